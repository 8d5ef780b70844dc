"""The working calendar for deadlines: FAPIAO_WORK_HOURS plus the admin's holiday table."""

from __future__ import annotations

import datetime as dt

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


# The State Council publishes the next year's 放假安排 in October or November.
NEXT_YEAR_FROM_MONTH = 11


def missing_holiday_years(today: dt.date) -> list[int]:
    """Years the deadlines need but the holiday table does not have: this year, and the
    next one once its notice is due. Until they are entered, holidays count as workdays."""
    years = [today.year]
    if today.month >= NEXT_YEAR_FROM_MONTH:
        years.append(today.year + 1)
    have = set(Holiday.objects.filter(date__year__in=years).values_list("date__year", flat=True))
    return [y for y in years if y not in have]
