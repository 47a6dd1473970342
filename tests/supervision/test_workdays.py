"""Working days: weekends, China's public holidays and the 调休 weekends worked instead."""

import datetime
import logging

import pytest

from portal.supervision import workdays
from portal.supervision.workdays import add_working_days, is_announced, is_working_day

D = datetime.date


@pytest.fixture
def fresh_calendar():
    # The calendar of a year is built (and warned about) once per process.
    workdays.calendar_for.cache_clear()
    yield
    workdays.calendar_for.cache_clear()


def test_ordinary_weeks_skip_the_weekend():
    friday = D(2026, 11, 20)
    assert add_working_days(friday, 1) == D(2026, 11, 23)  # Monday
    assert add_working_days(friday, 5) == D(2026, 11, 27)
    assert add_working_days(friday, 15) == D(2026, 12, 11)


@pytest.mark.parametrize("day", [
    D(2026, 1, 1), D(2026, 1, 2),  # 元旦 and its day off
    D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 20), D(2026, 2, 23),  # 春节, eve to 23 Feb
    D(2026, 4, 6),  # 清明 (补假)
    D(2026, 5, 1), D(2026, 5, 5),  # 劳动节
    D(2026, 6, 19), D(2026, 9, 25),  # 端午, 中秋
    D(2026, 10, 1), D(2026, 10, 7),  # 国庆
])
def test_public_holidays_of_2026_are_not_working_days(day):
    assert day.weekday() < 5 and not is_working_day(day)


@pytest.mark.parametrize("day", [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
                                 D(2026, 10, 10)])
def test_the_weekends_worked_in_2026_are_working_days(day):
    assert day.weekday() >= 5 and is_working_day(day)


def test_a_due_date_across_the_national_day_holiday():
    # 30 Sep (Wed) + 1 working day: 1–7 Oct are off, 8 Oct (Thu) is the next working day.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    # 15 working days from 28 Sep: 29, 30 Sep, 8, 9, 10 (Saturday, worked), 12–16, 19–23 Oct.
    assert add_working_days(D(2026, 9, 28), 15) == D(2026, 10, 23)


def test_spring_festival_2026_with_its_worked_saturdays():
    # Fri 13 Feb + 1: Saturday 14 Feb is worked (调休).
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    # Sat 14 Feb + 1: 15 Feb (Sunday) and 16–23 Feb are off; Tuesday 24 Feb.
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)


def test_a_year_not_yet_announced_falls_back_with_a_warning_and_no_error(fresh_calendar, caplog):
    assert is_announced(2026)
    with caplog.at_level(logging.WARNING, logger="portal.supervision.workdays"):
        assert not is_announced(2027)
        # Statutory holidays are still known (春节 2027: 6–8 Feb, from the lunar calendar) …
        assert not is_working_day(D(2027, 2, 8))
        assert not is_working_day(D(2027, 10, 1))
        # … weekends count as days off, and due dates are still computed.
        assert add_working_days(D(2027, 3, 5), 1) == D(2027, 3, 8)
        assert add_working_days(D(2026, 12, 30), 15) > D(2027, 1, 15)
    warnings = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1, "warned once per year, not once per day"
    assert "尚未收录" in warnings[0].getMessage()


def test_years_outside_the_library_count_weekends_only(fresh_calendar, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.supervision.workdays"):
        # Saturday 1 Oct 2101: no 国庆 known that far ahead, so Monday 3 … Friday 7.
        assert add_working_days(D(2101, 10, 1), 5) == D(2101, 10, 7)
    assert any("2101" in r.getMessage() for r in caplog.records)
