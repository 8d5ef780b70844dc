"""Date ranges: months, quarters, years, the period before and the same period a year ago."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from fapiao.errors import InvalidInvoiceData


@dataclass(frozen=True)
class Range:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def month_aligned(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.end)

    def months(self) -> list[str]:
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(f"{day:%Y-%m}")
            day = add_months(day, 1)
        return out

    def label(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def month_count(r: Range) -> int:
    return (r.end.year - r.start.year) * 12 + r.end.month - r.start.month + 1


def previous(r: Range) -> Range:
    """The period just before: the preceding months for whole months, else as many days."""
    if r.month_aligned:
        n = month_count(r)
        start = add_months(r.start, -n)
        return Range(start, month_end(add_months(start, n - 1)))
    days = (r.end - r.start).days + 1
    return Range(r.start - dt.timedelta(days=days), r.start - dt.timedelta(days=1))


def year_before(r: Range) -> Range:
    end = add_months(r.end, -12)
    if r.month_aligned:
        end = month_end(end)
    return Range(add_months(r.start, -12), end)


def bucket_of(month: str, grouping: str) -> str:
    """'2026-11' -> itself, '2026-Q4' or '2026'."""
    if grouping == "quarter":
        return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"
    if grouping == "year":
        return month[:4]
    return month


def period_range(kind: str, day: dt.date) -> tuple[str, Range]:
    """(key, range) of the month, quarter or year that contains `day`."""
    if kind == "month":
        start = day.replace(day=1)
        return f"{day:%Y-%m}", Range(start, month_end(start))
    if kind == "quarter":
        q = (day.month - 1) // 3
        start = dt.date(day.year, 3 * q + 1, 1)
        return f"{day.year}-Q{q + 1}", Range(start, month_end(add_months(start, 2)))
    return str(day.year), Range(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))


_PERIOD = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$")


def parse_period(text: str) -> Range:
    """'2026', '2026-Q4' or '2026-11' -> its range."""
    match = _PERIOD.match(text.strip().upper())
    if not match:
        raise InvalidInvoiceData(
            [{"field": "period", "message": "期间格式不对"}],
            detail=f"无法识别期间“{text}”：请写成 2026（年）、2026-Q4（季度）或 2026-11（月）。",
        )
    year, month, quarter = match.groups()
    if month:
        return period_range("month", dt.date(int(year), int(month), 1))[1]
    if quarter:
        return period_range("quarter", dt.date(int(year), 3 * int(quarter) - 2, 1))[1]
    return period_range("year", dt.date(int(year), 1, 1))[1]


def resolve(
    *, period: str | None, date_from: dt.date | None, date_to: dt.date | None, today: dt.date
) -> Range:
    """The range a request asks for: an explicit period, dates, or this year by default."""
    if period:
        return parse_period(period)
    if date_from is None and date_to is None:
        return period_range("year", today)[1]
    start = date_from or dt.date((date_to or today).year, 1, 1)
    end = date_to or month_end(dt.date(start.year, 12, 1))
    if end < start:
        raise InvalidInvoiceData(
            [{"field": "date_to", "message": "结束日期早于开始日期"}],
            detail="结束日期早于开始日期：请把 date_from 设为较早的日期。",
        )
    if (end - start).days > 366 * 10:
        raise InvalidInvoiceData(
            [{"field": "date_from", "message": "范围超过十年"}],
            detail="统计范围最长十年：请缩小日期范围。",
        )
    return Range(start, end)
