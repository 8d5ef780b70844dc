"""The demo loads a realistic desk without sending any notification."""

from __future__ import annotations

import pytest

from fapiao.accounts.models import User
from fapiao.demo.feedback import seed_feedback
from fapiao.feedback.models import Rating, Status, Ticket
from fapiao.notify.models import Notification

pytestmark = pytest.mark.django_db


def test_demo_desk(users: dict[str, User]) -> None:
    org = users["admin"].organisation
    assert org is not None
    assert seed_feedback(org, seed=1) == 24
    tickets = Ticket.objects.filter(organisation=org)
    assert tickets.filter(status=Status.RESOLVED).exists()
    assert tickets.filter(status__in=[Status.ASSIGNED, Status.NEW]).exists()
    assert Rating.objects.filter(ticket__organisation=org).exists()
    assert Notification.objects.count() == 0
