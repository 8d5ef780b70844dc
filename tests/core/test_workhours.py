"""Working-hours arithmetic across weekends, 调休 and the 2026 holidays (国庆, 春节)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fapiao.core.cn_holidays import MAKEUP_WORKDAYS, holiday_days
from fapiao.core.workhours import BEIJING, WorkCalendar, parse_periods

CAL = WorkCalendar.build(
    holidays=[d for d, _ in holiday_days()], workdays=[d for d, _ in MAKEUP_WORKDAYS]
)
PLAIN = WorkCalendar.build()  # weekends only


def bj(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)  # type: ignore[misc]


def test_default_day_is_eight_hours_with_lunch_break() -> None:
    assert CAL.hours_per_day == 8
    assert CAL.add(bj(2026, 11, 26, 11, 0), 2) == bj(2026, 11, 26, 14, 0)
    assert CAL.between(bj(2026, 11, 26, 11, 30), bj(2026, 11, 26, 13, 30)) == dt.timedelta(hours=1)


def test_friday_afternoon_rolls_over_the_weekend() -> None:
    # Friday 2026-11-27 16:00 + 4h: 2h on Friday, 2h on Monday morning.
    assert CAL.add(bj(2026, 11, 27, 16, 0), 4) == bj(2026, 11, 30, 11, 0)
    assert CAL.between(bj(2026, 11, 27, 16, 0), bj(2026, 11, 30, 11, 0)) == dt.timedelta(hours=4)


def test_deadline_at_end_of_day_is_not_pushed_to_next_morning() -> None:
    assert CAL.add(bj(2026, 11, 26, 9, 0), 8) == bj(2026, 11, 26, 18, 0)


def test_before_opening_and_at_night_start_at_next_opening() -> None:
    assert CAL.add(bj(2026, 11, 26, 6, 0), 1) == bj(2026, 11, 26, 10, 0)
    assert CAL.add(bj(2026, 11, 26, 22, 0), 1) == bj(2026, 11, 27, 10, 0)
    # Saturday night request: Monday 10:00.
    assert CAL.add(bj(2026, 11, 28, 23, 0), 1) == bj(2026, 11, 30, 10, 0)


def test_guoqing_2026_holiday_and_makeup_saturday() -> None:
    # Wed 2026-09-30 17:00 + 2h: 1h that day; 10-01..07 off; Thu 10-08 09:00 + 1h.
    assert CAL.add(bj(2026, 9, 30, 17, 0), 2) == bj(2026, 10, 8, 10, 0)
    # Fri 10-09 17:00 + 2h: Saturday 10-10 is a make-up working day.
    assert CAL.add(bj(2026, 10, 9, 17, 0), 2) == bj(2026, 10, 10, 10, 0)
    # Sunday 09-20 is worked too.
    assert CAL.is_working_day(dt.date(2026, 9, 20))
    assert not PLAIN.is_working_day(dt.date(2026, 9, 20))
    # The whole week of 国庆 holds no working time.
    assert CAL.between(bj(2026, 9, 30, 18, 0), bj(2026, 10, 8, 9, 0)) == dt.timedelta(0)
    assert CAL.working_days(dt.date(2026, 10, 1), dt.date(2026, 10, 11)) == 3  # 8, 9, 10


def test_chunjie_2026() -> None:
    # Sat 2026-02-14 is worked, then 02-15..23 off; Tue 02-24 resumes.
    assert CAL.is_working_day(dt.date(2026, 2, 14))
    assert CAL.add(bj(2026, 2, 13, 17, 0), 3) == bj(2026, 2, 14, 11, 0)
    assert CAL.add(bj(2026, 2, 14, 17, 0), 2) == bj(2026, 2, 24, 10, 0)
    assert CAL.working_days(dt.date(2026, 2, 15), dt.date(2026, 2, 23)) == 0
    # Sat 02-28 is a make-up day: a Friday-evening ticket is due on Saturday.
    assert CAL.add(bj(2026, 2, 27, 18, 0), 1) == bj(2026, 2, 28, 10, 0)
    # Without the holidays the same request would be due on Monday 02-16.
    assert PLAIN.add(bj(2026, 2, 14, 17, 0), 2) == bj(2026, 2, 16, 11, 0)


def test_utc_input_is_read_as_beijing_time() -> None:
    utc_moment = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing
    assert CAL.add(utc_moment, 1) == bj(2026, 11, 26, 10, 0)
    with pytest.raises(ValueError):
        CAL.add(dt.datetime(2026, 11, 26, 9, 0), 1)


def test_parse_periods() -> None:
    assert parse_periods("13:00-18:00, 09:00-12:00")[0] == (dt.time(9), dt.time(12))
    assert WorkCalendar.build(periods="08:30-17:30").hours_per_day == 9
    for bad in ["9-18x", "18:00-09:00", "", "09:00-13:00,12:00-18:00"]:
        with pytest.raises(ValueError):
            parse_periods(bad)


def test_seeded_data_matches_the_notices() -> None:
    days = dict(holiday_days())
    assert sum(1 for d in days if d.year == 2026) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert sum(1 for d in days if d.year == 2025) == 1 + 8 + 3 + 5 + 3 + 8
    # Make-up days are weekends and never holidays.
    for day, _ in MAKEUP_WORKDAYS:
        assert day.weekday() >= 5 and day not in days


moments = st.datetimes(min_value=dt.datetime(2024, 12, 1), max_value=dt.datetime(2026, 12, 31)).map(
    lambda m: m.replace(tzinfo=BEIJING, microsecond=0)
)
amounts = st.integers(min_value=1, max_value=60 * 80).map(lambda m: dt.timedelta(minutes=m))


@settings(max_examples=150, deadline=None)
@given(start=moments, amount=amounts)
def test_between_undoes_add(start: dt.datetime, amount: dt.timedelta) -> None:
    due = CAL.add(start, amount)
    assert due > start
    assert CAL.between(start, due) == amount
    # The deadline falls on a working day inside (or at the end of) a working period.
    assert CAL.is_working_day(due.date())
    assert any(s < due.time() <= e for s, e in CAL.periods)


@settings(max_examples=150, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_between_is_additive_and_bounded(a: dt.datetime, b: dt.datetime, c: dt.datetime) -> None:
    a, b, c = sorted([a, b, c])
    assert CAL.between(a, b) + CAL.between(b, c) == CAL.between(a, c)
    assert CAL.between(a, c) <= c - a
    assert CAL.between(c, a) == dt.timedelta(0)


@settings(max_examples=100, deadline=None)
@given(start=moments, x=amounts, y=amounts)
def test_add_is_monotonic_and_composes(
    start: dt.datetime, x: dt.timedelta, y: dt.timedelta
) -> None:
    assert CAL.add(CAL.add(start, x), y) == CAL.add(start, x + y)
    if x < y:
        assert CAL.add(start, x) < CAL.add(start, y)
