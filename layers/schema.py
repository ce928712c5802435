"""The property schema every story layer shares, as pydantic models.

One schema, documented in ``data/README.md``; ``tests/test_docs.py`` checks that every field
defined here is documented there. Models are strict: ``"5"`` is not a number and ``5`` is
not a string, so a mistyped property is reported instead of silently coerced.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

CONFIDENCE_LEVELS = ("confirmed", "reported", "rumored", "background")
Confidence = Literal["confirmed", "reported", "rumored", "background"]

_PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _partial_date(value: str) -> str:
    """Accept ISO 8601 calendar dates, full or partial: ``2019``, ``2019-05``, ``2019-05-03``.

    >>> _partial_date("2019-05")
    '2019-05'
    >>> _partial_date("2019-02-30")
    Traceback (most recent call last):
    ValueError: a real calendar date such as 2019, 2019-05 or 2019-05-03
    """
    if not _PARTIAL_DATE.match(value):
        raise ValueError("an ISO 8601 date such as 2019, 2019-05 or 2019-05-03")
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])  # year 0000 and 30 February do not exist
    except ValueError:
        raise ValueError("a real calendar date such as 2019, 2019-05 or 2019-05-03") from None
    return value


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError("a slug of lowercase letters, digits and single hyphens")
    return value


def _web_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, flags=re.IGNORECASE):
        raise ValueError("an http(s) address or null")
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("a finite number")
    return value


PartialDate = Annotated[str, AfterValidator(_partial_date)]
Slug = Annotated[str, AfterValidator(_slug)]
WebUrl = Annotated[str, AfterValidator(_web_url)]
NonEmpty = Annotated[str, Field(min_length=1)]
Kilometres = Annotated[float, Field(ge=0, le=20_000), AfterValidator(_finite)]
#: The location precision the location-uncertainty run assumes for a feature whose
#: ``location_precision_km`` is null (unknown), in km: about a town and its surroundings,
#: the precision of a place named only by its town, and larger than most stated precisions
#: (the shipped data's median is 10 km). A fixed value, so one feature's precision never
#: depends on the others in its file. Unknown is never treated as exact (0 km).
UNKNOWN_PRECISION_KM = 25.0


class Source(BaseModel):
    """Where a feature comes from. ``quote`` is verbatim; ``url`` is real or null."""

    model_config = ConfigDict(strict=True, extra="forbid")

    publisher: NonEmpty
    title: NonEmpty
    published: PartialDate | None
    url: WebUrl | None
    quote: NonEmpty | None
    via: NonEmpty | None = None


class StoryProperties(BaseModel):
    """Properties common to every story feature."""

    model_config = ConfigDict(strict=True, extra="allow")

    id: Slug
    name: NonEmpty
    category: NonEmpty
    confidence: Confidence
    #: null: unknown (not exact); see :data:`UNKNOWN_PRECISION_KM`.
    location_precision_km: Kilometres | None
    location_method: NonEmpty | None = None
    date: PartialDate | None = None
    date_start: PartialDate | None = None
    date_end: PartialDate | None = None
    description: str
    sources: Annotated[list[Source], Field(min_length=1)]

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.date_start and self.date_end and self.date_end < self.date_start:
            raise ValueError("date_end on or after date_start")
        if self.date and (self.date_start or self.date_end):
            raise ValueError("either date or date_start/date_end, not both")
        return self

    @model_validator(mode="after")
    def _quoted(self, info: ValidationInfo):
        if (info.context or {}).get("upload"):
            return self  # analysts' own files may cite a source without a quote
        if not any(source.quote for source in self.sources):
            raise ValueError("at least one source with a verbatim quote")
        return self


class FacilityProperties(StoryProperties):
    category: Literal["russian_asset", "context", "background"]
    russian_entities: list[NonEmpty]
    sector: NonEmpty


PLACEMENTS = ("independent", "at_facility")
Placement = Literal["independent", "at_facility"]


class SightingProperties(StoryProperties):
    category: Literal["sighting", "insider_account"]
    people: Annotated[int, Field(ge=0, le=10_000_000)] | None
    #: How the sighting's place relates to a facility. ``independent``: placed where the
    #: report puts the people, whatever is nearby. ``at_facility``: placed at a facility
    #: because the report is about being there (a visit to it, a job guarding it), so its
    #: distance to that facility is 0 by construction and says nothing about proximity.
    placement: Placement = "independent"
    placement_facility: Slug | None = None

    @model_validator(mode="after")
    def _placement_names_facility(self):
        if self.placement == "at_facility" and not self.placement_facility:
            raise ValueError("placement 'at_facility' needs placement_facility (the "
                             "facility's id)")
        if self.placement == "independent" and self.placement_facility:
            raise ValueError("placement_facility is only for placement 'at_facility'")
        return self


class FlightProperties(StoryProperties):
    category: Literal["flight"]
    registration: NonEmpty
    aircraft_type: NonEmpty
    operator: NonEmpty
    origin: NonEmpty | None
    destination: NonEmpty | None
    route_note: str | None = None
    dates: list[PartialDate] | None = None


class AreaProperties(StoryProperties):
    category: Literal["mining_zone"]
    official_area_km2: Annotated[float, Field(gt=0)] | None = None


class BoundaryProperties(StoryProperties):
    category: Literal["boundary"]

    @model_validator(mode="after")
    def _quoted(self, info: ValidationInfo):  # a dataset, not a story claim: no quote
        return self


class BasemapProperties(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")

    name: NonEmpty


class Claim(BaseModel):
    """A claim the sources make without a place that could honestly be mapped."""

    model_config = ConfigDict(strict=True, extra="forbid")

    id: Slug
    name: NonEmpty
    confidence: Confidence
    date: PartialDate | None = None
    date_start: PartialDate | None = None
    date_end: PartialDate | None = None
    why_no_place: NonEmpty
    sources: Annotated[list[Source], Field(min_length=1)]
