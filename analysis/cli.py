"""Command line: ``python -m analysis proximity|test|figure|export ...``.

A bad input file or option gives one line on stderr naming the file and the problem, and
exit code 2. When a run succeeds, every warning of the reader (one line each, naming the
file, feature and field) is printed to stderr before the output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import shapely

from .envelope import DEFAULT_R_MAX_KM, R_MIN_RULE, global_test, r_min_from_precision
from .io import (
    InputError,
    counted_sightings,
    filter_categories,
    placed_at_facility,
    read_features,
    union_boundary,
)
from .nulls import NULL_MODELS
from .proximity import proximity_table, shared_points
from .report import DataDescription, methodology_markdown, proximity_csv, proximity_markdown
from .robustness import ROBUSTNESS_RADII_KM, robustness, single_radius_spread
from .settings import (
    MAP_RADIUS_KM,
    MAX_DRAWS,
    MAX_RADIUS_KM,
    REPO_ROOT,
    SETTINGS,
    check_count,
    check_radius_km,
    default,
)
from .stats import location_uncertainty, radius_sweep, simulate_null
from .summary import headline_from, other_nulls_global
from .wording import P_MEANING, target_phrase

EXIT_BAD_INPUT = 2


def _help(name: str) -> str:
    setting = SETTINGS[name]
    shown = setting.default
    if isinstance(shown, Path):
        shown = _display_path(shown)
    elif isinstance(shown, tuple):
        shown = " ".join(shown)
    return f"{setting.help} (default: {shown})"


def _display_path(path: Path) -> str:
    path = Path(path)
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _named(path) -> str:
    """How a file is named in messages: as the user typed it, or, for a default file,
    relative to the repository (never a server path nobody typed)."""
    defaults = {s.default for s in SETTINGS.values() if isinstance(s.default, Path)}
    return _display_path(path) if Path(path) in defaults else str(path)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--radius-km", type=float, default=default("radius_km"),
                        help=_help("radius_km"))
    parser.add_argument("--facilities", type=Path, default=default("facilities"),
                        help=_help("facilities"))
    parser.add_argument("--sightings", type=Path, default=default("sightings"),
                        help=_help("sightings"))
    parser.add_argument("--facility-category", action="append", default=None,
                        help=_help("facility_category"))
    parser.add_argument("--sighting-category", action="append", default=None,
                        help=_help("sighting_category"))
    parser.add_argument("--swap-lat-lon", action="store_true",
                        help="exchange latitude and longitude of the points that look "
                             "swapped (outside Venezuela, inside it once swapped), as the "
                             "app's upload offers; without it such points stop the command")


class FileReader:
    """Reads the command's input files and keeps the reader's warnings for stderr.

    Points that look swapped stop the command (exit 2) with a hint naming
    ``--swap-lat-lon``, unless that option is given.
    """

    def __init__(self, swap: bool = False):
        self.swap = swap
        self.warnings: list[str] = []

    def read(self, path: Path):
        name = _named(path)
        result = read_features(path, name=name, swap=self.swap)
        if result.swap_suggested:
            raise InputError(name, "some points look swapped (latitude and longitude "
                             "exchanged: outside Venezuela, inside it once swapped); check "
                             "the columns, or rerun with --swap-lat-lon to swap them")
        self.warnings.extend(w for w in result.warnings if w not in self.warnings)
        return result.frame


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (subcommands ``proximity`` and ``test``)."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Geodesic proximity of sightings to facilities, and a Monte Carlo test.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    proximity = commands.add_parser("proximity", help="nearest facility for each sighting")
    _common(proximity)
    proximity.add_argument("--format", choices=["json", "csv", "markdown"], default="json")
    test = commands.add_parser("test", help="are sightings closer to facilities than chance?")
    _common(test)
    test.add_argument("--null", choices=sorted(NULL_MODELS), default=default("null"),
                      help=_help("null"))
    test.add_argument("--simulations", type=int, default=default("simulations"),
                      help=_help("simulations"))
    test.add_argument("--seed", type=int, default=default("seed"), help=_help("seed"))
    test.add_argument("--boundary", type=Path, default=default("boundary"),
                      help=_help("boundary"))
    test.add_argument("--sweep", action="store_true",
                      help="also sweep radii from 1 to 300 km with the null's 95%% envelope")
    test.add_argument("--uncertainty", type=int, default=default("uncertainty_repeats"),
                      metavar="M", help=_help("uncertainty_repeats"))
    test.add_argument("--global", dest="global_test", action="store_true",
                      help="also run the global envelope test over every whole radius from "
                           "--r-min to --r-max (extreme rank length; no radius is chosen)")
    test.add_argument("--r-min", type=float, default=None, metavar="KM",
                      help="smallest radius of the global test (default: from location "
                           "precision, the median over counted sightings of their precision "
                           "plus their nearest facility's, rounded up)")
    test.add_argument("--r-max", type=float, default=DEFAULT_R_MAX_KM, metavar="KM",
                      help=f"largest radius of the global test (default: {DEFAULT_R_MAX_KM})")
    test.add_argument("--robustness", action="store_true",
                      help="also run the robustness panel: every null model, radii "
                           "10/25/50/100/200 km and the global test, with and without "
                           "location jitter, leaving each sighting out in turn")
    _include_at_facility(test)
    test.add_argument("--format", choices=["json", "markdown"], default="json")
    _figure_parser(commands)
    _export_parser(commands)
    return parser


STORY_LAYERS = ("orinoco_mining_arc", "flights", "facilities", "sightings")


def _include_at_facility(parser) -> None:
    parser.add_argument("--include-at-facility", action="store_true",
                        help="count sightings placed at a facility by construction "
                             "(placement 'at_facility', e.g. a reported visit to it); they "
                             "are left out by default")


def _figure_parser(commands) -> None:
    figure = commands.add_parser("figure", help="the map as PNG, SVG or PDF for publication")
    _common(figure)
    figure.add_argument("--preset", choices=["16x9", "1x1", "4x5", "print"], default="16x9")
    figure.add_argument("--format", choices=["png", "svg", "pdf"], default=None,
                        help="default: from the output file name, else png")
    figure.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    figure.add_argument("--scale", type=float, default=None,
                        help="PNG resolution factor (default: 2 for screens, 1 for print)")
    figure.add_argument("--title", default=None)
    figure.add_argument("--subtitle", default=None)
    figure.add_argument("--layers", nargs="+", choices=STORY_LAYERS, default=list(STORY_LAYERS))
    figure.add_argument("--date-start", default=None, metavar="YYYY-MM-DD")
    figure.add_argument("--date-end", default=None, metavar="YYYY-MM-DD")
    figure.add_argument("--null", choices=sorted(NULL_MODELS), default=default("null"),
                        help=_help("null"))
    figure.add_argument("--bounds", nargs="+", default=None,
                        metavar="DEG",
                        help="WEST SOUTH EAST NORTH: draw exactly this extent, in degrees "
                             "of longitude and latitude (WGS84); nothing outside it is "
                             "labelled (default: all of Venezuela, or the story's places "
                             "for the small presets)")
    figure.add_argument("--label", action="append", default=None, metavar="ID=TEXT",
                        help="label the sighting or facility ID with TEXT instead of its "
                             "short name (repeatable; an empty TEXT leaves it unlabelled)")
    _include_at_facility(figure)


def _export_parser(commands) -> None:
    from exports import FORMATS

    export = commands.add_parser(
        "export", help="the story as an interactive HTML map, a GeoPackage for QGIS, KML "
                       "for Google Earth, or the figure (PNG, SVG, PDF)")
    _common(export)
    export.add_argument("-o", "--output", type=Path, required=True,
                        help="file to write: .html, .gpkg, .kml, .png, .svg or .pdf")
    export.add_argument("--format", choices=FORMATS, default=None,
                        help="default: from the output file name")
    export.add_argument("--title", default=None)
    export.add_argument("--subtitle", default=None)
    export.add_argument("--layers", nargs="+", choices=STORY_LAYERS, default=list(STORY_LAYERS))
    export.add_argument("--date-start", default=None, metavar="YYYY-MM-DD")
    export.add_argument("--date-end", default=None, metavar="YYYY-MM-DD")
    export.add_argument("--null", choices=sorted(NULL_MODELS), default=default("null"),
                        help=_help("null"))
    export.add_argument("--bounds", nargs="+", default=None, metavar="DEG",
                        help="WEST SOUTH EAST NORTH in degrees (WGS84): the view the HTML "
                             "map and the KML open on, the figure's extent (default: the "
                             "story's places; for figures as the figure command)")
    export.add_argument("--label", action="append", default=None, metavar="ID=TEXT",
                        help="figures only: label the sighting or facility ID with TEXT")
    export.add_argument("--preset", choices=["16x9", "1x1", "4x5", "print"], default="16x9",
                        help="figures only (default: 16x9)")
    export.add_argument("--scale", type=float, default=None,
                        help="figures only: PNG resolution factor")
    _include_at_facility(export)


def _load(reader: FileReader, path: Path, categories, role: str):
    frame = reader.read(path)
    kept = filter_categories(frame, categories)
    if len(kept) == 0:
        found = sorted({str(c) for c in frame.get("category", [])})
        raise InputError(
            _named(path), f"no {role} left after the category filter {list(categories)}; "
            f"categories in the file: {found}"
        )
    if role == "sightings" and "placement" in kept:
        allowed = {"independent", "at_facility"}
        for feature_id, value in zip(kept.get("id", range(len(kept))), kept["placement"],
                                     strict=True):
            if value is None or (isinstance(value, float) and value != value):  # unset
                continue
            if not isinstance(value, str) or value not in allowed:
                raise InputError(_named(path), f"sighting {feature_id!r}: field 'placement' "
                                 f"should be 'independent' or 'at_facility', found {value!r}")
    if role == "sightings":
        not_point = [i for i, g in enumerate(kept.geometry) if g.geom_type != "Point"]
        if not_point:
            raise InputError(
                _named(path), f"sighting {kept.id.iloc[not_point[0]]!r} is a "
                f"{kept.geometry.iloc[not_point[0]].geom_type}; sightings must be points"
            )
    return kept


def _sources(*frames) -> tuple[str, ...]:
    names = []
    for frame in frames:
        for value in frame.get("sources", []):
            for source in value if isinstance(value, list) else [value]:
                name = source.get("publisher") if isinstance(source, dict) else source
                if isinstance(name, str) and name.strip() and name not in names:
                    names.append(name)
    return tuple(names)


def _describe(args, facilities, sightings) -> DataDescription:
    def categories(frame):
        return tuple(sorted({str(c) for c in frame["category"]})) if "category" in frame else ()

    return DataDescription(
        facilities_file=_display_path(args.facilities),
        sightings_file=_display_path(args.sightings),
        n_facilities=len(facilities),
        n_sightings=len(sightings),
        facility_categories=categories(facilities),
        sighting_categories=categories(sightings),
        sources=_sources(sightings, facilities),
    )


def _categories(values, name):
    return tuple(values) if values else default(name)


def run_proximity(args, reader: FileReader) -> str:
    facilities = _load(reader, args.facilities, _categories(args.facility_category,
                                                    "facility_category"), "facilities")
    sightings = _load(reader, args.sightings, _categories(args.sighting_category,
                                                          "sighting_category"), "sightings")
    result = proximity_table(facilities, sightings, args.radius_km)
    if args.format == "csv":
        return proximity_csv(result)
    if args.format == "markdown":
        return proximity_markdown(result, _describe(args, facilities, sightings))
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _read_boundary(reader: FileReader, path: Path):
    frame = reader.read(path)
    try:
        boundary = union_boundary(frame)
    except ValueError as error:
        raise InputError(_named(path), str(error)) from None
    shapely.prepare(boundary)
    return boundary


def run_test(args, reader: FileReader) -> str:
    check_count("simulations", args.simulations, "--simulations")
    check_count("uncertainty_repeats", args.uncertainty, "--uncertainty")
    facilities = _load(reader, args.facilities, _categories(args.facility_category,
                                                    "facility_category"), "facilities")
    all_sightings = _load(reader, args.sightings, _categories(args.sighting_category,
                                                              "sighting_category"),
                          "sightings")
    sightings = counted_sightings(all_sightings, args.include_at_facility)
    left_out = [str(i) for i in all_sightings.loc[placed_at_facility(all_sightings), "id"]] \
        if not args.include_at_facility and "id" in all_sightings else []
    if len(sightings) == 0:
        raise InputError(_named(args.sightings), "every sighting left is placed at a facility "
                         "by construction (placement 'at_facility'); use --include-at-facility "
                         "to count them")
    if args.simulations * len(sightings) > MAX_DRAWS:
        raise ValueError(
            f"--simulations {args.simulations:,} with {len(sightings):,} sightings would hold "
            f"{args.simulations * len(sightings):,} simulated distances, more than "
            f"{MAX_DRAWS:,}; use at most --simulations {MAX_DRAWS // len(sightings):,}")
    boundary = None
    if NULL_MODELS[args.null].needs_boundary or args.robustness:
        boundary = _read_boundary(reader, args.boundary)
    options = dict(null=args.null, rng=args.seed, boundary=boundary)
    simulated = simulate_null(facilities, sightings, simulations=args.simulations, **options)
    result = simulated.evaluate(args.radius_km)
    needs_global = args.global_test or args.robustness or args.format == "markdown"
    r_min = args.r_min
    if r_min is None and needs_global:
        r_min = r_min_from_precision(facilities, sightings)
        if args.r_max < r_min:
            raise ValueError(
                f"--r-max {args.r_max:g} is below the smallest radius the location precision "
                f"supports ({r_min} km, the default --r-min); give --r-min to test smaller "
                "radii anyway")
    global_result = global_test(simulated, r_min, args.r_max) if needs_global else None
    panel = robustness(facilities, all_sightings, null=args.null,
                       simulations=args.simulations, rng=args.seed, boundary=boundary,
                       r_min_km=r_min, r_max_km=args.r_max,
                       include_at_facility=args.include_at_facility) \
        if args.robustness else None
    sweep = radius_sweep(facilities, sightings, simulations=args.simulations,
                         **options) if args.sweep else None
    uncertainty = location_uncertainty(
        facilities, sightings, args.radius_km, repeats=args.uncertainty,
        simulations=default("uncertainty_simulations"), **options,
    ) if args.uncertainty > 0 else None
    spread = single_radius_spread(simulated)
    others = None
    if global_result is not None:
        others = panel.global_by_null() if panel else other_nulls_global(
            facilities, all_sightings, null=args.null, simulations=args.simulations,
            seed=args.seed,
            boundary=boundary if boundary is not None else _quiet_boundary(reader, args),
            r_min_km=r_min, r_max_km=args.r_max, include_at_facility=args.include_at_facility)
    line = headline_from(simulated, args.radius_km, global_result, others,
                         include_at_facility=args.include_at_facility,
                         target=target_phrase(_categories(args.facility_category,
                                                          "facility_category")),
                         spread=spread)
    if args.format == "markdown":
        shared = shared_points(proximity_table(facilities, sightings, args.radius_km),
                               facilities, sightings) \
            if "id" in facilities and "id" in sightings else []
        return methodology_markdown(result, _describe(args, facilities, sightings),
                                    sweep, uncertainty, global_result=global_result,
                                    panel=panel, headline=line, left_out=left_out,
                                    shared=shared)
    out = result.to_dict()
    out["headline"] = line
    out["p_value_meaning"] = P_MEANING
    out["facilities_file"] = _display_path(args.facilities)
    out["sightings_file"] = _display_path(args.sightings)
    out["include_at_facility"] = bool(args.include_at_facility)
    out["left_out_at_facility"] = left_out
    out["single_radius_p_range"] = {"radii_km": list(ROBUSTNESS_RADII_KM),
                                    "p_min": spread[0], "p_max": spread[1]}
    if global_result is not None and args.global_test:
        out["global"] = global_result.to_dict()
        out["global"]["r_min_rule"] = (
            "given with --r-min" if args.r_min is not None else R_MIN_RULE)
    if panel is not None:
        data = panel.to_dict()
        out["robustness"] = data["robustness"]
        out["robustness_summary"] = data["summary"]
        out["robustness_settings"] = data["settings"]
        if "summary_other_at_facility_choice" in data:
            out["robustness_summary_other_at_facility_choice"] = \
                data["summary_other_at_facility_choice"]
        out["robustness_skipped"] = data["skipped"]
        out["robustness_summary_without_weak_nulls"] = data["summary_without_weak_nulls"]
        if "jitter_single_repeat_p_range" in data:
            out["robustness_jitter_single_repeat_p_range"] = data["jitter_single_repeat_p_range"]
    if sweep is not None:
        out["sweep"] = sweep.to_dict()
    if uncertainty is not None:
        out["uncertainty"] = uncertainty.to_dict()
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def _quiet_boundary(reader: FileReader, args):
    """The boundary for the other null models in the headline; None if it cannot be read
    (then the uniform null is left out of the headline, and the panel says so)."""
    try:
        return _read_boundary(FileReader(reader.swap), args.boundary)
    except (InputError, ValueError):
        return None


def _story_choices(args, reader: FileReader):
    """The frames and the user's choices of the ``figure`` and ``export`` commands:
    ``(frames, state, bounds, labels)``; bounds and labels are checked before loading."""
    from datetime import date

    import figures
    from figures.scene import check_bounds
    from mapview.build import MapState

    bounds = check_bounds(args.bounds)  # before any loading: a typo fails at once
    labels = _label_options(args.label)
    facility_categories = _categories(args.facility_category, "facility_category")
    sighting_categories = _categories(args.sighting_category, "sighting_category")
    frames = figures.default_frames()
    for name, path, categories in (("facilities", args.facilities, facility_categories),
                                   ("sightings", args.sightings, sighting_categories)):
        _load(reader, path, categories, name)  # the same checks as the other commands
        frames[name] = reader.read(path)
    try:
        dates = [date.fromisoformat(d) if d else None for d in (args.date_start, args.date_end)]
    except ValueError as error:
        raise ValueError(f"dates should be YYYY-MM-DD ({error})") from None
    state = MapState(radius_km=args.radius_km, visible_layers=tuple(args.layers),
                     date_start=dates[0], date_end=dates[1],
                     facility_categories=tuple(facility_categories),
                     sighting_categories=tuple(sighting_categories),
                     include_at_facility=bool(args.include_at_facility))
    return frames, state, bounds, labels


def run_figure(args, reader: FileReader) -> str:
    """Render the map with the same choices as the app and write it to ``args.output``."""
    import figures

    frames, state, bounds, labels = _story_choices(args, reader)
    options = {"title": args.title} if args.title is not None else {}
    figure = figures.render_figure(frames, state, preset=args.preset, subtitle=args.subtitle,
                                   null=args.null, bounds=bounds, labels=labels,
                                   **options)
    try:
        figures.export(figure, args.output, args.format, scale=args.scale)
    except OSError as error:
        raise InputError(_named(args.output),
                         f"cannot write file ({error.strerror or error})") from None
    return f"wrote {args.output}\n"


def run_export(args, reader: FileReader) -> str:
    """Write the story to ``args.output`` in the format of its extension (or ``--format``):
    the output path is checked before anything is loaded or computed."""
    import exports
    from layers.readers import strip_invisible

    name = strip_invisible(_named(args.output))
    try:
        fmt = exports.check_target(args.output, args.format)
    except exports.ExportPathError as error:
        raise InputError(name, str(error)) from None
    frames, state, bounds, labels = _story_choices(args, reader)
    options = dict(null=args.null, title=args.title, subtitle=args.subtitle, bounds=bounds,
                   labels=labels)
    if fmt in exports.FIGURE_FORMATS:
        options = {k: v for k, v in options.items() if v is not None}
        options.update(preset=args.preset, scale=args.scale)
    try:
        size = exports.write(args.output, fmt, frames, state, **options)
    except OSError as error:
        raise InputError(name, f"cannot write file ({error.strerror or error})") from None
    return f"wrote {name} ({_size_text(size)})\n"


def _size_text(size: int) -> str:
    """A file size for people.

    >>> _size_text(766893), _size_text(88409), _size_text(512)
    ('767 kB', '88 kB', '512 bytes')
    """
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.0f} kB"
    return f"{size} bytes"


def _label_options(values) -> dict | None:
    """``--label ID=TEXT`` options as ``{id: text}``; the ids are checked by the figure."""
    if not values:
        return None
    labels = {}
    for value in values:
        feature_id, equals, text = value.partition("=")
        if not equals or not feature_id.strip():
            raise ValueError(f"--label should be ID=TEXT, got {value!r}")
        labels[feature_id.strip()] = text
    return labels


COMMANDS = {"proximity": run_proximity, "test": run_test, "figure": run_figure,
            "export": run_export}


def main(argv=None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    reader = FileReader(swap=args.swap_lat_lon)
    try:
        high = MAP_RADIUS_KM[1] if args.command in ("figure", "export") else MAX_RADIUS_KM
        args.radius_km = check_radius_km(args.radius_km, "--radius-km", high)
        output = COMMANDS[args.command](args, reader)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as error:
        print(f"error: {' '.join(str(error).split())}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:
        print("error: the run needs more memory than this machine has; use fewer "
              "--simulations or fewer sightings", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in reader.warnings:
        print(warning, file=sys.stderr)
    sys.stdout.write(output)
    return 0
