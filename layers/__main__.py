"""``python -m layers validate FILE...``: check GeoJSON files, one line per problem."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from layers.registry import BY_NAME
from layers.validation import load_bytes, parse_json_bytes, read_limited


def _layer_for(path: Path, data: bytes, explicit: str | None):
    if explicit:
        return BY_NAME[explicit]
    if path.stem in BY_NAME:
        return BY_NAME[path.stem]
    obj, _ = parse_json_bytes(data, path.name)
    if isinstance(obj, dict) and isinstance(obj.get("name"), str):
        return BY_NAME.get(obj["name"])
    return None


def validate(paths: list[str], layer_name: str | None = None) -> int:
    failures = 0
    for name in paths:
        path = Path(name)
        data, problem = read_limited(path, name)  # regular files, size checked while reading
        if problem is not None:
            print(problem)
            failures += 1
            continue
        layer = _layer_for(path, data, layer_name)
        result = load_bytes(data, path.name, layer)
        for problem in result.problems:
            print(problem)
        failures += bool(result.errors)
        if not result.errors:
            schema = layer.name if layer else "GeoJSON structure only"
            print(f"{path.name}: ok, {len(result.frame)} features ({schema})", file=sys.stderr)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="validate GeoJSON files")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--layer", choices=sorted(BY_NAME),
                       help="schema to check against (default: from the file name)")
    commands.add_parser("list", help="list the registered layers")
    args = parser.parse_args(argv)
    if args.command == "list":
        for layer in BY_NAME.values():
            print(json.dumps({"name": layer.name, "file": layer.file, "role": layer.role,
                              "geometry_types": layer.geometry_types,
                              "legend_label": layer.legend_label}))
        return 0
    return validate(args.files, args.layer)


if __name__ == "__main__":
    sys.exit(main())
