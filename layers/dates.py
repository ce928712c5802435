"""Partial ISO 8601 dates (``2019``, ``2019-05``, ``2019-05-03``) as spans of days."""

from __future__ import annotations

import calendar
from datetime import date


def span(value: str | None) -> tuple[date, date] | None:
    """The first and last day a partial date covers.

    >>> span("2019-02")
    (datetime.date(2019, 2, 1), datetime.date(2019, 2, 28))
    >>> span(None) is None
    True
    """
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    month = parts[1]
    if len(parts) == 2:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, parts[2]), date(year, month, parts[2])


def feature_span(properties: dict) -> tuple[date | None, date | None] | None:
    """A feature's time span from ``date`` or ``date_start``/``date_end``; None if undated.

    An open end (``date_end`` null) runs on indefinitely.

    >>> feature_span({"date_start": "2011", "date_end": None})
    (datetime.date(2011, 1, 1), None)
    """
    single = properties.get("date")
    if isinstance(single, str) and single:
        return span(single)
    start = span(properties.get("date_start") or None)
    end = span(properties.get("date_end") or None)
    if start is None and end is None:
        return None
    return (start[0] if start else None, end[1] if end else None)


def overlaps(properties: dict, start: date | None, end: date | None) -> bool:
    """Whether a feature's span meets [start, end]. Undated features always do.

    >>> from datetime import date
    >>> overlaps({"date": "2019-05"}, date(2019, 5, 20), date(2019, 6, 1))
    True
    >>> overlaps({"date": "2019-02-20"}, date(2019, 3, 1), None)
    False
    """
    feature = feature_span(properties)
    if feature is None:
        return True
    first, last = feature
    if end is not None and first is not None and first > end:
        return False
    if start is not None and last is not None and last < start:
        return False
    return True
