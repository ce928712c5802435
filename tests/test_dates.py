"""Date precision: what a date filter keeps, and how honestly the count and subtitle say so."""

from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from layers.dates import honest_range, precision, precision_summary, range_text

ROOT = Path(__file__).resolve().parent.parent
MAY_10_TO_20 = (date(2019, 5, 10), date(2019, 5, 20))
DAY, MONTH, YEAR = {"date": "2019-05-03"}, {"date": "2019-05"}, {"date": "2019"}
UNDATED = {"date": None}
#: December 2018 to March 2019 known only by month: surely present in January 2019.
WINTER = {"date_start": "2018-12", "date_end": "2019-03"}
SHIPPED = ("5 sightings: 1 dated to the day, 1 only to the month, 2 only to the year "
           "and 1 not dated.")


@pytest.fixture(scope="module")
def shipped():
    return gpd.read_file(ROOT / "data" / "sightings.geojson")


# --------------------------------------------------------------------------- precision
@pytest.mark.parametrize("value, expected", [
    ("2019-05-03", "day"),
    ("2019-05", "month"),
    ("2019", "year"),
    (None, None),
    ("", None),
    (float("nan"), None),               # a missing cell read by pandas
    (DAY, "day"),
    (YEAR, "year"),
    (UNDATED, None),
    ({}, None),
    (WINTER, "month"),
    ({"date_start": "2018-12-03", "date_end": "2019"}, "year"),   # the coarser end
    ({"date_start": "2011", "date_end": None}, "year"),           # open end
    ({"date": "2019-05-03", "date_start": "2019"}, "day"),        # date wins, as in spans
])
def test_precision_of_dates_and_features(value, expected):
    assert precision(value) == expected


@pytest.mark.parametrize("value", ["May 2019", "2019/05", "2019-05-03-01", "20x9"])
def test_precision_names_a_date_it_cannot_read(value):
    with pytest.raises(ValueError, match=f"got '{value}'"):
        precision(value)


# --------------------------------------------------------------------------- the count
@pytest.mark.parametrize("rows, expected", [
    ([DAY, MONTH, YEAR, YEAR],
     "4 sightings: 1 dated to the day, 1 only to the month and 2 only to the year."),
    ([YEAR, YEAR], "2 sightings, both dated only to the year."),
    ([YEAR, YEAR, YEAR], "3 sightings, all dated only to the year."),
    ([DAY], "1 sighting, dated to the day."),
    ([MONTH], "1 sighting, dated only to the month."),
    ([UNDATED], "1 sighting, not dated."),
    ([UNDATED, {}], "2 sightings, neither dated."),
    ([UNDATED, {}, UNDATED], "3 sightings, none dated."),
    ([MONTH, YEAR, UNDATED],
     "3 sightings: 1 dated only to the month, 1 only to the year and 1 not dated."),
    ([YEAR, UNDATED], "2 sightings: 1 dated only to the year and 1 not dated."),
    ([], "No sightings."),
])
def test_count_names_each_precision(rows, expected):
    assert precision_summary(rows) == expected


def test_count_takes_the_noun_and_its_plural():
    assert precision_summary([DAY, DAY], noun="flight") == "2 flights, both dated to the day."
    assert precision_summary([], noun="facility") == "No facilities."


def test_range_inside_2019_keeps_year_dated_sightings_and_says_why():
    assert precision_summary([YEAR, YEAR], *MAY_10_TO_20) == (
        "2 sightings, both dated only to the year. Both match only because they are dated "
        "only to the year (2019), which overlaps the chosen range.")
    assert precision_summary([YEAR], *MAY_10_TO_20) == (
        "1 sighting, dated only to the year. It matches only because it is dated only to "
        "the year (2019), which overlaps the chosen range.")


@pytest.mark.parametrize("rows, start, end, expected", [
    # The day-dated sighting (3 May) falls outside; the month and the year only overlap.
    ([DAY, MONTH, YEAR, YEAR, UNDATED], *MAY_10_TO_20,
     "4 sightings: 1 dated only to the month, 2 only to the year and 1 not dated. 3 of them "
     "match only because they are dated only to the month or the year (2019-05, 2019), "
     "which overlap the chosen range."),
    # All of May contains the day and the month: only the two years are loose.
    ([DAY, MONTH, YEAR, YEAR], date(2019, 5, 1), date(2019, 5, 31),
     "4 sightings: 1 dated to the day, 1 only to the month and 2 only to the year. 2 of them "
     "match only because they are dated only to the year (2019), which overlaps the chosen "
     "range."),
    # A range that contains every span says nothing more.
    ([DAY, MONTH, YEAR], date(2019, 1, 1), date(2019, 12, 31),
     "3 sightings: 1 dated to the day, 1 only to the month and 1 only to the year."),
    # Open ends count as unbounded.
    ([YEAR], date(2019, 1, 1), None, "1 sighting, dated only to the year."),
    ([YEAR], None, date(2019, 6, 30),
     "1 sighting, dated only to the year. It matches only because it is dated only to the "
     "year (2019), which overlaps the chosen range."),
    # An interval known by month is surely under way in January 2019, not surely in May.
    ([WINTER], date(2019, 1, 10), date(2019, 1, 20), "1 sighting, dated only to the month."),
    ([WINTER], date(2019, 3, 10), date(2019, 3, 20),
     "1 sighting, dated only to the month. It matches only because it is dated only to the "
     "month (2018-12 to 2019-03), which overlaps the chosen range."),
    # Undated sightings are always kept and are never "loose".
    ([UNDATED], *MAY_10_TO_20, "1 sighting, not dated."),
    ([DAY], *MAY_10_TO_20, "No sightings in the chosen range."),
])
def test_count_for_a_range_says_which_match_only_through_a_coarse_date(rows, start, end,
                                                                       expected):
    assert precision_summary(rows, start, end) == expected


def test_count_reads_a_frame_with_missing_cells(shipped):
    assert precision_summary(shipped) == SHIPPED
    assert precision_summary(shipped.drop(columns=["date"])) == "5 sightings, none dated."


@pytest.mark.parametrize("bad, message", [
    ("2019", "got str"),
    (42, "got int"),
    ([("2019",)], "got tuple"),
])
def test_count_names_input_it_cannot_read(bad, message):
    with pytest.raises(TypeError, match=message):
        precision_summary(bad)


# --------------------------------------------------------------------------- honest range
@pytest.mark.parametrize("rows, start, end, expected", [
    ([YEAR, YEAR], *MAY_10_TO_20, (date(2019, 1, 1), date(2019, 12, 31))),
    ([MONTH], *MAY_10_TO_20, (date(2019, 5, 1), date(2019, 5, 31))),
    ([{"date": "2019-05-12"}], *MAY_10_TO_20, MAY_10_TO_20),
    ([UNDATED], *MAY_10_TO_20, MAY_10_TO_20),
    ([], *MAY_10_TO_20, MAY_10_TO_20),
    ([YEAR], date(2019, 5, 10), None, (date(2019, 1, 1), None)),
    ([{"date_start": "2019", "date_end": None}], None, date(2019, 5, 20),
     (None, None)),
    ([YEAR], None, None, None),
])
def test_honest_range_widens_to_the_spans_kept_only_through_a_coarse_date(rows, start, end,
                                                                          expected):
    assert honest_range(rows, start, end) == expected


# --------------------------------------------------------------------------- subtitle dates
@pytest.mark.parametrize("rows, start, end, expected", [
    ([YEAR, YEAR], *MAY_10_TO_20,
     "Dates: 2019-05-10 to 2019-05-20 (includes 2 sightings dated only to 2019)."),
    ([YEAR, MONTH], *MAY_10_TO_20,
     "Dates: 2019-05-10 to 2019-05-20 (includes 1 sighting dated only to 2019 and 1 dated "
     "only to 2019-05)."),
    ([{"date": "2019-05-12"}], *MAY_10_TO_20, "Dates: 2019-05-10 to 2019-05-20."),
    ([YEAR], date(2019, 1, 1), None, "Dates: 2019-01-01 to any."),
    # Most common first; May (not kept) is left out.
    ([{"date": "2018"}, YEAR, MONTH, YEAR], date(2018, 12, 1), date(2019, 1, 31),
     "Dates: 2018-12-01 to 2019-01-31 (includes 2 sightings dated only to 2019 and 1 dated "
     "only to 2018)."),
    # More than two coarse dates: only their number and precision, to stay short.
    ([YEAR, {"date": "2018"}, {"date": "2018-12"}], date(2018, 12, 10), date(2019, 1, 31),
     "Dates: 2018-12-10 to 2019-01-31 (includes 3 sightings dated only to a month or a year)."),
    # May lies inside the range, so only the year, June and April are loose.
    ([YEAR, MONTH, {"date": "2019-06"}, {"date": "2019-04"}], date(2019, 4, 10),
     date(2019, 6, 20),
     "Dates: 2019-04-10 to 2019-06-20 (includes 3 sightings dated only to a month or a year)."),
    ([WINTER], date(2019, 3, 10), date(2019, 3, 20),
     "Dates: 2019-03-10 to 2019-03-20 (includes 1 sighting dated only to a month)."),
    ([YEAR], None, None, ""),
])
def test_range_text_never_claims_a_range_the_dates_cannot_meet(rows, start, end, expected):
    assert range_text(rows, start, end) == expected


def test_figure_subtitle_names_sightings_dated_only_to_the_year(shipped):
    from figures.scene import default_subtitle
    from mapview.build import MapState

    state = MapState(date_start=MAY_10_TO_20[0], date_end=MAY_10_TO_20[1])
    subtitle = default_subtitle(state, ("2019", "2019"), sightings=shipped)
    assert subtitle.endswith(
        " Dates: 2019-05-10 to 2019-05-20 (includes 2 sightings dated only to 2019 and "
        "1 dated only to 2019-05).")
    # No range chosen: the dates of what is shown, with no claim of a range.
    assert default_subtitle(MapState(), None, sightings=shipped).endswith(
        "around each sighting.")
    assert default_subtitle(MapState(), ("2019", "2019"), sightings=shipped).endswith(
        "around each sighting. Sightings and flights dated 2019.")


def test_rendered_figure_subtitle_names_the_shown_sightings_dated_only_to_the_year():
    from figures import render_figure
    from figures.render import default_frames
    from mapview.build import MapState

    state = MapState(date_start=date(2019, 5, 1), date_end=date(2019, 5, 31))
    figure = render_figure(default_frames(), state, scale=0.25, simulations=99)
    assert figure.footprint.subtitle.endswith(
        " Dates: 2019-05-01 to 2019-05-31 (includes 2 sightings dated only to 2019).")


def test_a_date_range_that_leaves_nothing_out_is_not_stated_as_a_choice():
    """The app's slider at its ends sets both dates: the subtitle then gives the dates of
    what is shown, as with no range."""
    from figures import render_figure
    from figures.render import default_frames
    from mapview.build import MapState

    plain = render_figure(default_frames(), MapState(), scale=0.25, simulations=99)
    wide = MapState(date_start=date(2000, 1, 1), date_end=date(2030, 12, 31))
    figure = render_figure(default_frames(), wide, scale=0.25, simulations=99)
    assert "Dates:" not in figure.footprint.subtitle
    assert figure.footprint.subtitle == plain.footprint.subtitle


# --------------------------------------------------------------------------- sidebar
@pytest.fixture
def app(monkeypatch):
    """The app through AppTest, rerunning the frame like the server (see test_app.py)."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sidebar_captions(at) -> list[str]:
    return [caption.value for caption in at.sidebar.caption]


def test_sidebar_shows_the_precision_of_the_sightings_the_range_keeps(app):
    slider = app.slider(key="dates")
    assert "dated only to a month or a year are kept" in slider.help
    assert slider.help.endswith(f"Current data: {SHIPPED}")
    assert SHIPPED in sidebar_captions(app)

    slider.set_value(MAY_10_TO_20).run()
    assert not app.exception
    assert ("4 sightings: 1 dated only to the month, 2 only to the year and 1 not dated. "
            "3 of them match only because they are dated only to the month or the year "
            "(2019-05, 2019), which overlap the chosen range.") in sidebar_captions(app)
