"""Partial ISO 8601 dates (``2019``, ``2019-05``, ``2019-05-03``) as spans of days.

:func:`precision_summary` is shown in the app: in another language than English it is
written from whole translated sentences (:mod:`layers.language`), which say the same facts
more plainly than the English one's grammar of agreement.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date

from layers.language import _, language, ngettext


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


# --------------------------------------------------------------------------- precision
PRECISIONS = ("day", "month", "year")  # finest first
DATE_FIELDS = ("date", "date_start", "date_end")
_PHRASES = {"day": "dated to the day", "month": "dated only to the month",
            "year": "dated only to the year", None: "not dated"}


def precision(value) -> str | None:
    """How finely a partial date, or a feature's dates, are known: ``"day"``, ``"month"``,
    ``"year"`` or None (undated).

    For a feature's properties, ``date`` wins when present (as in :func:`feature_span`);
    otherwise the coarser of ``date_start`` and ``date_end``.

    >>> [precision(v) for v in ("2019-05-03", "2019-05", "2019", None, "")]
    ['day', 'month', 'year', None, None]
    >>> precision({"date_start": "2018-12-03", "date_end": "2019"})
    'year'
    >>> precision({"date": None, "date_start": None})
    >>> precision("May 2019")
    Traceback (most recent call last):
    ...
    ValueError: expected a partial ISO date (2019, 2019-05 or 2019-05-03), got 'May 2019'
    """
    if isinstance(value, Mapping):
        single = value.get("date")
        if isinstance(single, str) and single:
            return precision(single)
        found = [precision(value.get(field)) for field in ("date_start", "date_end")]
        found = [p for p in found if p is not None]
        return max(found, key=PRECISIONS.index) if found else None
    if not isinstance(value, str) or not value:
        return None
    parts = value.split("-")
    if len(parts) > 3 or not all(part.isdigit() for part in parts):
        raise ValueError("expected a partial ISO date (2019, 2019-05 or 2019-05-03), "
                         f"got {value!r}")
    return PRECISIONS[3 - len(parts)]


def precision_summary(features, start: date | None = None, end: date | None = None, *,
                      noun: str = "sighting") -> str:
    """One or two plain sentences on how precisely the features kept by [start, end] are
    dated, and how many are kept only because a month or a year overlaps the range.

    ``features`` is a (Geo)DataFrame or an iterable of property dicts; only ``date``,
    ``date_start`` and ``date_end`` are read. The date filter is :func:`overlaps`.

    >>> from datetime import date
    >>> rows = [{"date": "2019-05-03"}, {"date": "2019-05"}, {"date": "2019"}, {"date": "2019"}]
    >>> precision_summary(rows)
    '4 sightings: 1 dated to the day, 1 only to the month and 2 only to the year.'
    >>> precision_summary(rows, date(2019, 5, 10), date(2019, 5, 20))
    '3 sightings: 1 dated only to the month and 2 only to the year. All 3 match only because
    they are dated only to the month or the year (2019-05, 2019), which overlap the chosen range.'
    >>> precision_summary([{"date": "2019-05-03"}], noun="flight")
    '1 flight, dated to the day.'
    """
    kept, loose = _matches(features, start, end)
    if language() != "en" and noun in _COUNTED:
        return _translated_summary(kept, loose, _ranged(start, end), noun)
    plural = _plural(noun)
    if not kept:
        return f"No {plural} in the chosen range." if _ranged(start, end) else f"No {plural}."
    text = _precision_sentence([precision(row) for row in kept], noun)
    if loose:
        text += " " + _loose_sentence(loose, len(kept))
    return text


def honest_range(features, start: date | None, end: date | None
                 ) -> tuple[date | None, date | None] | None:
    """The dates a caption may claim for the features kept by [start, end]: the range,
    widened to the whole month or year of features kept only because that month or year
    overlaps it. None when no range is chosen; None inside the pair is an open end.

    >>> from datetime import date
    >>> honest_range([{"date": "2019"}], date(2019, 5, 10), date(2019, 5, 20))
    (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
    >>> honest_range([{"date": "2019-05-12"}], date(2019, 5, 10), date(2019, 5, 20))
    (datetime.date(2019, 5, 10), datetime.date(2019, 5, 20))
    >>> honest_range([{"date": "2019"}], None, None) is None
    True
    """
    if not _ranged(start, end):
        return None
    first, last = start, end
    for row in _matches(features, start, end)[1]:
        row_first, row_last = feature_span(row)
        first = None if first is None or row_first is None else min(first, row_first)
        last = None if last is None or row_last is None else max(last, row_last)
    return first, last


def range_text(features, start: date | None, end: date | None, *,
               noun: str = "sighting") -> str:
    """"Dates: start to end." for a caption, naming the features that are kept only because
    their month or year overlaps the range; empty when no range is chosen.

    Short enough for a figure subtitle: with more than two such dates, or intervals, only
    their number and precision are given.

    >>> from datetime import date
    >>> rows = [{"date": "2019"}, {"date": "2019"}, {"date": "2019-05"}]
    >>> range_text(rows, date(2019, 5, 10), date(2019, 5, 20))
    'Dates: 2019-05-10 to 2019-05-20 (includes 2 sightings dated only to 2019 and 1 dated
    only to 2019-05).'
    >>> range_text([{"date": "2019-05-12"}], date(2019, 5, 10), None)
    'Dates: 2019-05-10 to any.'
    >>> range_text([{"date_start": "2019", "date_end": "2020"}], date(2020, 5, 1), None,
    ...            noun="flight")
    'Dates: 2020-05-01 to any (includes 1 flight dated only to a year).'
    >>> range_text(rows, None, None)
    ''
    """
    if not _ranged(start, end):
        return ""
    text = f"Dates: {start or 'any'} to {end or 'any'}"
    loose = _matches(features, start, end)[1]
    groups = Counter(_dated_as(row) for row in loose)
    if len(groups) > 2 or any(not row.get("date") for row in loose):
        # Kept short: a subtitle that is cut off would drop the very warning.
        found = {precision(row) for row in loose}
        units = " or ".join(f"a {p}" for p in PRECISIONS if p in found)
        groups = Counter({f"dated only to {units}": len(loose)})
    if groups:
        parts = [f"{count} {_plural(noun) if count > 1 else noun} {label}" if i == 0
                 else f"{count} {label}" for i, (label, count) in enumerate(groups.most_common())]
        text += f" (includes {_join(parts)})"
    return text + "."


def _matches(features, start, end) -> tuple[list[dict], list[dict]]:
    """The rows the filter keeps, and those of them kept only through a coarse date."""
    kept = [row for row in _date_rows(features) if overlaps(row, start, end)]
    loose = [row for row in kept
             if feature_span(row) is not None and not _surely_meets(row, start, end)]
    return kept, loose


def _date_rows(features) -> list[dict]:
    """The date fields of each feature, as non-empty strings only."""
    if features is None:
        return []
    if hasattr(features, "columns"):
        columns = [field for field in DATE_FIELDS if field in features.columns]
        rows = features[columns].to_dict("records") if columns else [{}] * len(features)
    elif isinstance(features, Iterable) and not isinstance(features, (str, Mapping)):
        rows = list(features)
    else:
        raise TypeError("features should be a DataFrame or a list of property dicts, got "
                        f"{type(features).__name__}")
    for row in rows:
        if not isinstance(row, Mapping):
            raise TypeError(f"each feature should be a dict of properties, got "
                            f"{type(row).__name__}")
    return [{field: row[field] for field in DATE_FIELDS
             if isinstance(row.get(field), str) and row[field]} for row in rows]


def _surely_meets(properties: dict, start, end) -> bool:
    """Whether the feature meets [start, end] whatever days its coarse dates stand for."""
    first, last = feature_span(properties)
    if (start is None or (first is not None and first >= start)) and \
            (end is None or (last is not None and last <= end)):
        return True
    sure = _sure_span(properties)
    if sure is None:
        return False
    sure_first, sure_last = sure
    return not ((end is not None and sure_first is not None and sure_first > end)
                or (start is not None and sure_last is not None and sure_last < start))


def _sure_span(properties: dict) -> tuple[date | None, date | None] | None:
    """Days an interval covers however its coarse ends are read (None: no such day).

    It starts at the latest possible start and ends at the earliest possible end; a
    single date stands for one unknown day, so it has none unless it is contained.
    """
    if properties.get("date"):
        return None
    start, end = span(properties.get("date_start")), span(properties.get("date_end"))
    latest_start = None if start is None else min(start[1], end[1]) if end else start[1]
    earliest_end = None if end is None else max(end[0], start[0]) if start else end[0]
    if latest_start is not None and earliest_end is not None and latest_start > earliest_end:
        return None
    return latest_start, earliest_end


def _precision_sentence(precisions: list, noun: str) -> str:
    counts = Counter(precisions)
    n = len(precisions)
    total = f"{n} {noun if n == 1 else _plural(noun)}"
    if len(counts) == 1:
        (only,) = counts
        if only is None:
            return f"{total}, {('not', 'neither', 'none')[min(n, 3) - 1]} dated."
        return f"{total}, {('', 'both ', 'all ')[min(n, 3) - 1]}{_PHRASES[only]}."
    parts, dated_said = [], False
    for level in (*PRECISIONS, None):
        if counts[level]:
            phrase = _PHRASES[level]
            if level is not None and dated_said:
                phrase = phrase.removeprefix("dated ")
            dated_said = dated_said or level is not None
            parts.append(f"{counts[level]} {phrase}")
    return f"{total}: {_join(parts)}."


#: "{n} sightings" in the current language, by noun (the nouns the app's summaries use).
_COUNTED = {
    "sighting": lambda n: ngettext("{n} sighting", "{n} sightings", n).format(n=n),
    "flight": lambda n: ngettext("{n} flight", "{n} flights", n).format(n=n),
}
_NONE = {"sighting": (lambda: _("No sightings."), lambda: _("No sightings in the chosen range.")),
         "flight": (lambda: _("No flights."), lambda: _("No flights in the chosen range."))}


def _translated_summary(kept: list[dict], loose: list[dict], ranged: bool, noun: str) -> str:
    """:func:`precision_summary` in the current language (another than English)."""
    if not kept:
        return _NONE[noun][ranged]()
    counts = Counter(precision(row) for row in kept)
    phrases = {"day": _("{n} dated to the day"), "month": _("{n} only to the month"),
               "year": _("{n} only to the year"), None: _("{n} not dated")}
    parts = [phrases[level].format(n=counts[level]) for level in (*PRECISIONS, None)
             if counts[level]]
    text = _("{total}: {parts}.").format(total=_COUNTED[noun](len(kept)),
                                          parts=_and(parts))
    if loose:
        labels = list(dict.fromkeys(_translated_label(row) for row in loose))
        shown = ", ".join(labels[:3]) + (_(" and {n} more").format(n=len(labels) - 3)
                                         if len(labels) > 3 else "")
        text += " " + ngettext(
            "{k} of them is kept only because its month or year ({dates}) overlaps the "
            "chosen range.",
            "{k} of them are kept only because their month or year ({dates}) overlaps the "
            "chosen range.", len(loose)).format(k=len(loose), dates=shown)
    return text


def _translated_label(properties: dict) -> str:
    if properties.get("date"):
        return properties["date"]
    start, end = properties.get("date_start"), properties.get("date_end")
    if start and end:
        return _("{start} to {end}").format(start=start, end=end)
    return _("from {start} on").format(start=start) if start else \
        _("until {end}").format(end=end)


def _and(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return _("{first} and {last}").format(first=", ".join(parts[:-1]), last=parts[-1])


def _loose_sentence(loose: list[dict], kept: int) -> str:
    k = len(loose)
    if k == kept:
        subject = ("It matches", "Both match", f"All {k} match")[min(k, 3) - 1]
    else:
        subject = f"{k} of them {'matches' if k == 1 else 'match'}"
    units = [p for p in PRECISIONS if p in {precision(row) for row in loose}]
    labels = list(dict.fromkeys(_date_label(row) for row in loose))
    shown = ", ".join(labels[:3]) + (f" and {len(labels) - 3} more" if len(labels) > 3 else "")
    return (f"{subject} only because {'it is' if k == 1 else 'they are'} dated only to "
            f"{' or '.join('the ' + unit for unit in units)} ({shown}), "
            f"which overlap{'s' if len(labels) == 1 else ''} the chosen range.")


def _date_label(properties: dict) -> str:
    if properties.get("date"):
        return properties["date"]
    start, end = properties.get("date_start"), properties.get("date_end")
    if start and end:
        return f"{start} to {end}"
    return f"from {start} on" if start else f"until {end}"


def _dated_as(properties: dict) -> str:
    return f"dated only to {_date_label(properties)}"


def _ranged(start, end) -> bool:
    return start is not None or end is not None


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun + "s"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
