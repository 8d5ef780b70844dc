"""Working-hours arithmetic for service deadlines (SLA), in Beijing time.

A working day is Monday to Friday, minus public holidays, plus make-up working days
(调休上班, weekends worked because a holiday was moved). Within a working day only the
working periods count; the default is 09:00–12:00 and 13:00–18:00 (a one-hour lunch break,
8 working hours a day), configurable with FAPIAO_WORK_HOURS.

"Add 4 working hours to Friday 16:00" is Monday 11:00; the time between two instants counts
only working time. Pure Python (no Django): the feedback app builds a `WorkCalendar` from
its editable holiday table.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
DEFAULT_PERIODS = "09:00-12:00,13:00-18:00"
# A calendar with no working day for this long is a configuration error, not a deadline.
MAX_SEARCH_DAYS = 3660

Period = tuple[dt.time, dt.time]


def parse_periods(text: str) -> tuple[Period, ...]:
    """'09:00-12:00,13:00-18:00' -> ((09:00, 12:00), (13:00, 18:00)); sorted, not overlapping."""
    periods: list[Period] = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            start_text, end_text = (p.strip() for p in part.split("-"))
            start, end = dt.time.fromisoformat(start_text), dt.time.fromisoformat(end_text)
        except ValueError as exc:
            raise ValueError(
                f"工作时段“{part}”格式不正确：应为 09:00-12:00，多个时段用逗号分隔。"
            ) from exc
        if end <= start:
            raise ValueError(f"工作时段“{part}”的结束时间应晚于开始时间。")
        periods.append((start, end))
    periods.sort()
    if not periods:
        raise ValueError("至少需要一个工作时段，例如 09:00-18:00。")
    for (_, end), (start, _) in itertools.pairwise(periods):
        if start < end:
            raise ValueError("工作时段不能重叠：请检查 FAPIAO_WORK_HOURS。")
    return tuple(periods)


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True)
class WorkCalendar:
    periods: tuple[Period, ...] = field(default_factory=lambda: parse_periods(DEFAULT_PERIODS))
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()  # 调休上班: weekend days that are worked
    tz: ZoneInfo = BEIJING

    @classmethod
    def build(
        cls,
        *,
        periods: str = DEFAULT_PERIODS,
        holidays: Iterable[dt.date] = (),
        workdays: Iterable[dt.date] = (),
    ) -> WorkCalendar:
        return cls(parse_periods(periods), frozenset(holidays), frozenset(workdays))

    @property
    def hours_per_day(self) -> float:
        return sum(_seconds(e) - _seconds(s) for s, e in self.periods) / 3600

    def is_working_day(self, day: dt.date) -> bool:
        # A make-up day wins over the holiday list: the notice lists both separately and a
        # date is never in both, but an admin editing one table should not lose a workday.
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def _windows(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (dt.datetime.combine(day, s, self.tz), dt.datetime.combine(day, e, self.tz))
            for s, e in self.periods
        ]

    def _local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise ValueError("需要带时区的时间（aware datetime）。")
        return moment.astimezone(self.tz)

    def add(self, start: dt.datetime, amount: dt.timedelta | float) -> dt.datetime:
        """The instant `amount` working time (a timedelta, or hours) after `start`.

        The result lies inside a working period (or at its end: a deadline at 18:00 is met
        by a reply at 18:00, not pushed to the next morning)."""
        remaining = amount if isinstance(amount, dt.timedelta) else dt.timedelta(hours=amount)
        if remaining < dt.timedelta(0):
            raise ValueError("工作时长不能为负数。")
        local = self._local(start)
        if remaining == dt.timedelta(0):
            return local
        day = local.date()
        for _ in range(MAX_SEARCH_DAYS):
            for begin, end in self._windows(day):
                if end <= local:
                    continue
                begin = max(begin, local)
                available = end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += dt.timedelta(days=1)
        raise ValueError("日历中没有工作日：请检查工作时段和节假日设置。")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time from `start` to `end` (zero when `end` is not after `start`)."""
        a, b = self._local(start), self._local(end)
        total = dt.timedelta(0)
        if b <= a:
            return total
        day = a.date()
        while day <= b.date():
            for begin, finish in self._windows(day):
                overlap = min(finish, b) - max(begin, a)
                if overlap > dt.timedelta(0):
                    total += overlap
            day += dt.timedelta(days=1)
        return total

    def working_days(self, first: dt.date, last: dt.date) -> int:
        return sum(
            self.is_working_day(first + dt.timedelta(days=i))
            for i in range((last - first).days + 1)
        )
