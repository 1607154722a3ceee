"""Dates as the knowledge base stores and compares them.

An event date is a value ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with a precision, stored with
the first and last day of the period it names (``date_start``/``date_end``).

As-of rule: an event *has happened by* day D when its period starts on or before D
(``date_start <= D``); an event whose period starts after D has not happened. So an event dated
"2008" counts from 2008-01-01 on. A query date given as a period (``--on 2009``) means its last
day (2009-12-31): "as of 2009" is "by the end of 2009".
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from dyad.errors import DateError

__all__ = [
    "PRECISIONS",
    "PRECISION_RANK",
    "bounds",
    "contains",
    "gap_days",
    "parse_event_date",
    "parse_on",
    "precision_of",
]

PRECISIONS = ("year", "month", "day")
PRECISION_RANK = {"year": 1, "month": 2, "day": 3}
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def precision_of(value: str) -> str:
    """ "year", "month" or "day" for an ISO value of that shape."""
    return {4: "year", 7: "month", 10: "day"}[len(value)]


def _iso_bounds(value: str) -> tuple[date, date] | None:
    m = _ISO.match(value)
    if not m:
        return None
    try:
        year = int(m.group(1))
        if m.group(2) is None:
            return date(year, 1, 1), date(year, 12, 31)
        month = int(m.group(2))
        if m.group(3) is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        day = date(year, month, int(m.group(3)))
        return day, day
    except ValueError:
        return None


def bounds(value: str) -> tuple[date, date]:
    """First and last day of the period an ISO value names; DateError if it names none."""
    result = _iso_bounds(value)
    if result is None:
        raise DateError(f"not a date: {value!r}")
    return result


def parse_event_date(value: str | None) -> tuple[str, str, date, date] | None:
    """(value, precision, start, end) for an event's date, or None if absent or invalid."""
    if not value:
        return None
    value = value.strip()
    result = _iso_bounds(value)
    if result is None:
        return None
    return value, precision_of(value), result[0], result[1]


def parse_on(value: str | date | None) -> date | None:
    """The day a user's ``--on`` value stands for (the last day of a period), or None.

    ISO forms are read here; anything else ("14 December 2009") goes to the extractor's date
    parser when it is installed.
    """
    if value is None:
        return None
    if isinstance(value, date):
        return value
    text = value.strip()
    if text.lower() in ("today", "now"):
        return date.today()
    result = _iso_bounds(text)
    if result is None:
        normalised = _extract_parse_date(text)
        result = _iso_bounds(normalised) if normalised else None
    if result is None:
        raise DateError(f"cannot read the date {value!r}")
    return result[1]


def _extract_parse_date(text: str) -> str | None:
    """Normalise free-form dates with ``dyad.extract.dates.parse_date`` when it exists."""
    try:
        from dyad.extract.dates import parse_date  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        result = parse_date(text)
    except DateError:
        raise
    except Exception:  # a parser that fails in its own way is not the user's fault to read
        return None
    return str(result) if result else None


def contains(outer: tuple[date, date], inner: tuple[date, date]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def gap_days(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days between two periods; 0 when they overlap."""
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0
