"""The working calendar for deadlines: FAPIAO_WORK_HOURS plus the admin's holiday table."""

from __future__ import annotations

from fapiao.core.workhours import WorkCalendar
from fapiao.feedback.conf import work_hours
from fapiao.feedback.models import Holiday, HolidayKind


def work_calendar() -> WorkCalendar:
    # Read on every call: the table is a few dozen rows, and an admin's edit must count
    # for the next ticket without a restart.
    rows = list(Holiday.objects.values_list("date", "kind"))
    return WorkCalendar.build(
        periods=work_hours(),
        holidays=[d for d, k in rows if k == HolidayKind.HOLIDAY],
        workdays=[d for d, k in rows if k == HolidayKind.WORKDAY],
    )
