"""Due dates in working days, as the State Council's yearly calendar has them.

A working day is Monday to Friday, less the public holidays (法定节假日 and the
days off joined to them), plus the weekends worked in exchange (调休上班). The
calendar is the ``holidays`` package (vacanza/holidays: maintained by a team,
released every few weeks, China's 放假安排 checked against each year's notice
of 国务院办公厅, which usually appears in November for the next year). Keep it
current with a routine upgrade.

A year whose notice the package does not carry yet (on 2026-11-26, version
0.109: 2027) is recognised by having no worked weekend at all (every year since
2001 had five or more). Such a year still gets its statutory holidays, which
the package computes from the lunar calendar, with a weekday off when one
falls on a weekend (补假, as the 2024 放假办法 prescribes); only the 调休 swaps
are unknown, so a due date near a holiday may be a day or two off. A warning
is logged once per year and per process; nothing fails. Years outside the
package's range (before 1950, after 2100) count weekends only.
"""

import datetime
import functools
import logging

import holidays

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=32)
def calendar_for(year):
    """China's calendar of one year (read-only once built, so shared safely)."""
    calendar = holidays.China(years=year, expand=False)
    if not knows_swaps(calendar, year):
        logger.warning(
            "holidays %s 尚未收录 %s 年国务院办公厅放假调休安排：答复期限按周末和法定节假日估算，"
            "调休上班日未计入。请升级 holidays 软件包。",
            holidays.__version__, year,
        )
    return calendar


def knows_swaps(calendar, year):
    """True when the calendar carries the year's 调休 (worked weekends)."""
    return any(day.year == year for day in calendar.weekend_workdays)


def is_announced(year):
    """True when the year's 放假调休安排 is in the calendar (not only estimated)."""
    return knows_swaps(calendar_for(year), year)


def is_working_day(day):
    return calendar_for(day.year).is_working_day(day)


def add_working_days(start, days):
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
