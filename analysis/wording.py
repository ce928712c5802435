"""How results are written for readers: one formatter for p and shares, and the headline.

Every page, export and command that prints a p-value goes through :func:`format_p`, so the
same result reads the same everywhere: two significant digits, and "< 0.001" below 0.001
(with 9,999 simulations the smallest possible p is 0.0001; more digits would be noise).

The headline and the words for ranges and shares are English here and translated through
:mod:`layers.language` when the app runs in another language (numbers then take its decimal
comma); the command line has no translator installed and prints them as they are written.
:func:`count_of`, :func:`plural`, :func:`format_p` and :func:`p_equals` stay English: they
are parts of English sentences elsewhere.
"""

from __future__ import annotations

import math

from layers.language import N_, _, ngettext, numbers

#: Below this a p-value is written "< 0.001".
SMALLEST_SHOWN_P = 0.001

#: What p means and what it does not, in plain words (shown under every headline).
P_MEANING = N_(
    "p is the share of random draws under the chance model that come out at least as close "
    "to the assets as the real sightings. It is not the chance that the pattern is a "
    "coincidence, and it says nothing about why the sightings are where they are."
)

#: How each null model is named inside a sentence ("random towns come out at least as ...").
CHANCE_SUBJECTS = {
    "towns": N_("random Venezuelan towns"),
    "towns_weighted": N_("random Venezuelan towns picked in proportion to population"),
    "uniform": N_(
        "random points anywhere in Venezuela (a weak comparison, since most of the country "
        "is empty, so almost any real set of places looks clustered against it)"
    ),
}

#: Null models whose results must never be quoted without their warning.
WEAK_NULLS = frozenset({"uniform"})


def count_of(count: int, total: int, noun: str = "sighting") -> str:
    """'2 of 3 sightings lie', '1 of 3 sightings lies', '0 of 1 sighting lies'.

    >>> count_of(2, 3), count_of(1, 3), count_of(0, 1, "independent sighting")
    ('2 of 3 sightings lie', '1 of 3 sightings lies', '0 of 1 independent sighting lies')
    """
    nouns = noun if total == 1 else f"{noun}s"
    verb = "lies" if count == 1 or total == 1 else "lie"
    return f"{count} of {total} {nouns} {verb}"


def plural(count: int, noun: str) -> str:
    """'1 sighting', '3 sightings', '1,200 sightings'.

    >>> plural(1, "sighting"), plural(3, "sighting")
    ('1 sighting', '3 sightings')
    """
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def target_phrase(facility_categories) -> str:
    """What the counted facilities are called in a sentence.

    >>> target_phrase(["russian_asset"]), target_phrase(("russian_asset", "context"))
    ('a Russian-financed asset', 'a counted facility')
    """
    # TRANSLATORS: as in "within 50 km of a Russian-financed asset" (the headline's end).
    return N_("a Russian-financed asset") if tuple(facility_categories) == ("russian_asset",) \
        else N_("a counted facility")


def format_p(p: float) -> str:
    """A p-value as text: two significant digits, "< 0.001" below 0.001.

    Examples
    --------
    >>> format_p(0.04421), format_p(0.1822), format_p(0.0005), format_p(1.0)
    ('0.044', '0.18', '< 0.001', '1')
    >>> format_p(0.001), format_p(0.0999)
    ('0.001', '0.1')
    """
    p = float(p)
    if not math.isfinite(p) or p < 0 or p > 1:
        raise ValueError(f"a p-value is between 0 and 1, got {p!r}")
    if p < SMALLEST_SHOWN_P:
        return "< 0.001"
    text = f"{p:.2g}"
    if "e" in text:  # cannot happen above 0.001, but never print 1e-03
        text = f"{p:.4f}".rstrip("0").rstrip(".")
    return text


def p_equals(p: float) -> str:
    """'p = 0.044' or 'p < 0.001'.

    >>> p_equals(0.044), p_equals(0.0001)
    ('p = 0.044', 'p < 0.001')
    """
    text = format_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def format_share(share: float) -> str:
    """A share of draws as a percentage a reader can picture.

    >>> format_share(0.0243), format_share(0.5), format_share(0.0004), format_share(0)
    ('2.4%', '50%', 'less than 0.1%', 'none')
    """
    share = float(share)
    if share <= 0:
        return _("none")
    if share < 0.001:
        return _("less than {share}").format(share=numbers("0.1%"))
    percent = share * 100
    return numbers(f"{percent:.2g}%" if percent < 10 else f"{percent:.0f}%")


def p_text(p: float) -> str:
    """:func:`p_equals` with the language's decimal comma (for translated sentences).

    >>> p_text(0.044)
    'p = 0.044'
    """
    return numbers(p_equals(p))


def p_range(low: float, high: float) -> str:
    """'p = 0.08 to 0.37' (one formatter for both ends).

    >>> p_range(0.0807, 0.3739), p_range(0.0004, 0.05), p_range(0.2, 0.2)
    ('p = 0.081 to 0.37', 'p < 0.001 to 0.05', 'p = 0.2')
    """
    if format_p(low) == format_p(high):
        return p_text(low)
    start = format_p(low)
    words = _("p {low} to {high}") if start.startswith("<") else _("p = {low} to {high}")
    return numbers(words.format(low=start, high=format_p(high)))


def _share_of(p: float) -> str:
    """The share of draws for a p, from the p as printed, so both read the same.

    >>> _share_of(0.0125), format_p(0.0125)
    ('1.3%', '0.013')
    """
    text = format_p(p)
    return format_share(0.0005) if text.startswith("<") else format_share(float(text))


def headline(*, observed_within: int, n_sightings: int, radius_km: float, null: str,
             global_p: float | None, r_min_km: float | None, r_max_km: float | None,
             single_radius_p: tuple[float, float] | None, independent: bool = True,
             target: str = "a Russian-financed asset",
             other_nulls: dict[str, float] | None = None, short: bool = False,
             simulations: int | None = None) -> str:
    """The sentence a reporter can print: the count, the global test, the spread.

    The count is at the chosen radius; the test is over all radii at once, so it does not
    depend on that choice; the spread shows what one radius alone could have said. A weak
    null model's warning is part of the same sentence as its result.

    Examples
    --------
    >>> print(headline(observed_within=2, n_sightings=3, radius_km=50, null="towns",
    ...                global_p=0.0243, r_min_km=20, r_max_km=300,
    ...                single_radius_p=(0.0807, 0.3739)))  # doctest: +NORMALIZE_WHITESPACE
    2 of 3 independent sightings lie within 50 km of a Russian-financed asset. Across all
    radii from 20 to 300 km, random Venezuelan towns come out at least as close in 2.4% of
    draws (global test, p = 0.024); single-radius results range from p = 0.081 to 0.37.
    >>> print(headline(observed_within=1, n_sightings=1, radius_km=10, null="towns",
    ...                global_p=0.5, r_min_km=5, r_max_km=300, single_radius_p=None,
    ...                other_nulls={"towns": 0.5, "uniform": 0.0004}))
    ... # doctest: +NORMALIZE_WHITESPACE
    1 of 1 independent sighting lies within 10 km of a Russian-financed asset. Across all
    radii from 5 to 300 km, random Venezuelan towns come out at least as close in 50% of
    draws (global test, p = 0.5). The global test with other chance models gives p < 0.001
    (points anywhere in Venezuela, a weak comparison since most of the country is empty).
    """
    if short:
        return _short_headline(observed_within, n_sightings, radius_km, null, global_p,
                               r_min_km, r_max_km, single_radius_p, independent, target,
                               other_nulls)
    text = _count_sentence(observed_within, n_sightings, radius_km, independent, target)
    if global_p is None:
        return text
    subject = _(CHANCE_SUBJECTS[null]) if null in CHANCE_SUBJECTS else \
        _("random draws from the {null} model").format(null=null)
    fill = dict(low=numbers(f"{r_min_km:g}"), high=numbers(f"{r_max_km:g}"), subject=subject,
                p=p_text(global_p))
    if simulations and round(global_p * (simulations + 1)) <= 1:
        text += " " + _("Across all radii from {low} to {high} km, in none of {n} draws did "
                        "{subject} come out at least as close (global test, {p}, the smallest "
                        "{n} draws can give)").format(n=numbers(f"{simulations:,}"), **fill)
    else:
        text += " " + _("Across all radii from {low} to {high} km, {subject} come out at "
                        "least as close in {share} of draws (global test, {p})").format(
                            share=_share_of(global_p), **fill)
    if single_radius_p is not None:
        if format_p(single_radius_p[0]) == format_p(single_radius_p[1]):
            text += _("; single-radius results all give {p}").format(
                p=p_text(single_radius_p[0]))
        else:
            text += _("; single-radius results range from {p}").format(
                p=p_range(*single_radius_p))
    text += "."
    others = [(name, p) for name, p in (other_nulls or {}).items() if name != null]
    if others:
        parts = [f"{p_text(p)} ({_(OTHER_NULL_NAMES[name]) if name in OTHER_NULL_NAMES else name})"
                 for name, p in others]
        text += " " + _("The global test with other chance models gives {results}.").format(
            results=and_list(parts))
    return text


def and_list(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' (in the current language).

    >>> and_list(["a"]), and_list(["a", "b", "c"])
    ('a', 'a, b and c')
    """
    if len(parts) == 1:
        return parts[0]
    return _("{first} and {last}").format(first=", ".join(parts[:-1]), last=parts[-1])


def _count_sentence(observed_within: int, n_sightings: int, radius_km: float,
                    independent: bool, target: str, short: bool = False) -> str:
    """'2 of 3 independent sightings lie within 50 km of a Russian-financed asset.'"""
    fill = dict(count=observed_within, total=n_sightings, km=numbers(f"{radius_km:g}"),
                target=_(target))
    if short:
        if independent:
            words = ngettext("{count} of {total} independent sighting within {km} km of "
                             "{target}.", "{count} of {total} independent sightings within "
                             "{km} km of {target}.", n_sightings)
        else:
            words = ngettext("{count} of {total} sighting within {km} km of {target}.",
                             "{count} of {total} sightings within {km} km of {target}.",
                             n_sightings)
    elif n_sightings == 1:
        words = _("{count} of {total} independent sighting lies within {km} km of "
                  "{target}.") if independent else \
            _("{count} of {total} sighting lies within {km} km of {target}.")
    elif independent:
        words = ngettext("{count} of {total} independent sightings lies within {km} km of "
                         "{target}.", "{count} of {total} independent sightings lie within "
                         "{km} km of {target}.", observed_within)
    else:
        words = ngettext("{count} of {total} sightings lies within {km} km of {target}.",
                         "{count} of {total} sightings lie within {km} km of {target}.",
                         observed_within)
    return words.format(**fill)


#: How each null model is named in the short headline (the weak one with its warning).
SHORT_NULL_NAMES = {
    "towns": N_("random towns"),
    "towns_weighted": N_("population-weighted towns"),
    "uniform": N_("uniform points (a weak comparison)"),
}


def _short_headline(observed_within, n_sightings, radius_km, null, global_p, r_min_km,
                    r_max_km, single_radius_p, independent, target, other_nulls) -> str:
    """The headline for a figure's credit line, where space is short.

    >>> print(_short_headline(2, 3, 50, "towns", 0.0243, 20, 300, (0.0807, 0.3739), True,
    ...       "a Russian-financed asset", {"towns_weighted": 0.0977, "uniform": 0.0005}))
    ... # doctest: +NORMALIZE_WHITESPACE
    2 of 3 independent sightings within 50 km of a Russian-financed asset. Global test over
    20-300 km: p = 0.024 against random towns (p = 0.098 population-weighted towns, p < 0.001
    uniform points (a weak comparison)). Single radii: p = 0.081 to 0.37.
    """
    text = _count_sentence(observed_within, n_sightings, radius_km, independent, target,
                           short=True)
    if global_p is None:
        return text

    def name(null_name):
        return _(SHORT_NULL_NAMES[null_name]) if null_name in SHORT_NULL_NAMES else null_name

    text += " " + _("Global test over {low}-{high} km: {p} against {null}").format(
        low=numbers(f"{r_min_km:g}"), high=numbers(f"{r_max_km:g}"), p=p_text(global_p),
        null=name(null))
    others = [(other, p) for other, p in (other_nulls or {}).items() if other != null]
    if others:
        text += " (" + ", ".join(f"{p_text(p)} {name(other)}" for other, p in others) + ")"
    text += "."
    if single_radius_p is not None:
        text += " " + _("Single radii: {p}.").format(p=p_range(*single_radius_p))
    return text


#: Other null models named in brackets after their p (the weak one with its warning).
OTHER_NULL_NAMES = {
    "towns": N_("random towns"),
    "towns_weighted": N_("towns picked in proportion to population"),
    "uniform": N_("points anywhere in Venezuela, a weak comparison since most of the country "
                  "is empty"),
}
