"""China's public holidays and make-up working days (调休上班), as data.

Copied from the State Council notices: 国办发明电〔2024〕12号 (2025) and 国务院办公厅关于
2026年部分节假日安排的通知 (2025-11-04). Each year's notice is published in November; the
feedback app seeds its editable `Holiday` table from these lists, and an admin adds the next
year there (or here, for new installations).
"""

from __future__ import annotations

import datetime as dt

# (first day, last day, name): the days off, weekends inside the range included.
HOLIDAY_RANGES: tuple[tuple[dt.date, dt.date, str], ...] = (
    (dt.date(2025, 1, 1), dt.date(2025, 1, 1), "元旦"),
    (dt.date(2025, 1, 28), dt.date(2025, 2, 4), "春节"),
    (dt.date(2025, 4, 4), dt.date(2025, 4, 6), "清明节"),
    (dt.date(2025, 5, 1), dt.date(2025, 5, 5), "劳动节"),
    (dt.date(2025, 5, 31), dt.date(2025, 6, 2), "端午节"),
    (dt.date(2025, 10, 1), dt.date(2025, 10, 8), "国庆节、中秋节"),
    (dt.date(2026, 1, 1), dt.date(2026, 1, 3), "元旦"),
    (dt.date(2026, 2, 15), dt.date(2026, 2, 23), "春节"),
    (dt.date(2026, 4, 4), dt.date(2026, 4, 6), "清明节"),
    (dt.date(2026, 5, 1), dt.date(2026, 5, 5), "劳动节"),
    (dt.date(2026, 6, 19), dt.date(2026, 6, 21), "端午节"),
    (dt.date(2026, 9, 25), dt.date(2026, 9, 27), "中秋节"),
    (dt.date(2026, 10, 1), dt.date(2026, 10, 7), "国庆节"),
)

# Weekend days that are working days because a holiday was moved (调休上班).
MAKEUP_WORKDAYS: tuple[tuple[dt.date, str], ...] = (
    (dt.date(2025, 1, 26), "春节调休上班"),
    (dt.date(2025, 2, 8), "春节调休上班"),
    (dt.date(2025, 4, 27), "劳动节调休上班"),
    (dt.date(2025, 9, 28), "国庆节调休上班"),
    (dt.date(2025, 10, 11), "国庆节调休上班"),
    (dt.date(2026, 1, 4), "元旦调休上班"),
    (dt.date(2026, 2, 14), "春节调休上班"),
    (dt.date(2026, 2, 28), "春节调休上班"),
    (dt.date(2026, 5, 9), "劳动节调休上班"),
    (dt.date(2026, 9, 20), "国庆节调休上班"),
    (dt.date(2026, 10, 10), "国庆节调休上班"),
)


def holiday_days() -> list[tuple[dt.date, str]]:
    """Every day off of the ranges above, one entry per date."""
    days = []
    for first, last, name in HOLIDAY_RANGES:
        day = first
        while day <= last:
            days.append((day, name))
            day += dt.timedelta(days=1)
    return days
