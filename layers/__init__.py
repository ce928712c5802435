"""Footprint's layers: the registry, the property schema, and validated loading."""

from layers.registry import LAYERS, Layer, get_layer, story_layers
from layers.validation import LoadResult, Problem, load_bytes, load_layer

__all__ = [
    "LAYERS", "Layer", "LoadResult", "Problem", "get_layer", "load_all", "load_bytes",
    "load_claims", "load_layer", "story_layers",
]


def load_all() -> dict[str, LoadResult]:
    """Every registered layer, loaded and validated; ids checked across layers."""
    from layers.validation import duplicate_ids

    results = {layer.name: load_layer(layer) for layer in LAYERS}
    cross = duplicate_ids(r for n, r in results.items() if get_layer(n).role == "story")
    for problem in cross:
        name = next(n for n, r in results.items() if r.file == problem.file)
        result = results[name]
        results[name] = LoadResult(result.name, result.file, result.frame,
                                   result.problems + (problem,))
    return results


def load_claims(path=None) -> tuple[list[dict], list[Problem]]:
    """The claims that have no place, validated; returns (claims, problems)."""

    import pydantic

    from layers import registry
    from layers.schema import Claim
    from layers.validation import (
        _pydantic_problems,
        feature_label,
        parse_json_bytes,
        read_limited,
    )

    path = path or registry.DATA_DIR / registry.CLAIMS_FILE.name  # follows DATA_DIR
    data, unreadable = read_limited(path, path.name)
    if unreadable is not None:
        return [], [unreadable]
    obj, problems = parse_json_bytes(data, path.name)
    if obj is None:
        return [], problems
    claims = obj.get("claims") if isinstance(obj, dict) else None
    if not isinstance(claims, list):
        return [], [Problem(path.name, None, "claims", "a list of claims", repr(claims)[:60])]
    valid = []
    for index, claim in enumerate(claims):
        try:
            Claim.model_validate(claim)
            valid.append(claim)
        except pydantic.ValidationError as error:
            problems.extend(_pydantic_problems(path.name, feature_label(claim, index), error))
    return valid, problems
