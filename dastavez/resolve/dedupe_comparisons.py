"""What the linkage model compares, level by level, and which pairs it compares at all.

Every comparison is a list of levels, most alike first, each with a label (the explanation
quotes it) and prior m and u probabilities: m, how often one person's two records fall in the
level; u, how often two different persons' records do. Training replaces the priors with
estimates from the data; a registry too small to learn from uses them as they are. The
priors are round guesses from the kind of records the unit keeps (a date of birth matches
by chance about once in five thousand pairs, a family name once in a hundred), not fitted
to any test set.
"""

from __future__ import annotations

from typing import Any

from splink import block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

#: What each comparison is called in an explanation.
DESCRIPTIONS = {
    "given_name": "given name",
    "surname": "family name",
    "dob": "date of birth",
    "father_name": "father's name",
    "identifiers": "identifier",
    "phones": "phone",
    "address": "address",
    "locality": "place",
    "postcode": "postcode",
    "country": "country",
}

Level = tuple[ComparisonLevelCreator, str, float, float]  # level, label, m prior, u prior


def _comparison(column: str, null_sql: str, levels: list[Level], *, tf: bool = False) -> ComparisonCreator:
    built: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.CustomLevel(null_sql).configure(is_null_level=True)]
    for level, label, m, u in levels:
        options: dict[str, Any] = {"label_for_charts": label, "m_probability": m, "u_probability": u}
        if tf and isinstance(level, cll.ExactMatchLevel):
            options["tf_adjustment_column"] = column
            options["tf_adjustment_weight"] = 1.0
        built.append(level.configure(**options))
    return cl.CustomComparison(comparison_levels=built, output_column_name=column,
                               comparison_description=DESCRIPTIONS[column])


def _null(*columns: str) -> str:
    return " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in columns)


def _else(m: float, u: float) -> Level:
    return cll.ElseLevel(), "different", m, u


def _name(column: str, key: str, other: str) -> ComparisonCreator:
    return _comparison(column, _null(column), [
        (cll.ExactMatchLevel(column), "the same", 0.70, 0.01),
        (cll.CustomLevel(f'"{key}_l" = "{key}_r"'), "sound the same (phonetic key)", 0.10, 0.004),
        (cll.JaroWinklerLevel(column, 0.92), "spelled alike (Jaro-Winkler ≥ 0.92)", 0.08, 0.005),
        (cll.ColumnsReversedLevel(column, other), "given and family name swapped", 0.03, 0.001),
        (cll.JaroWinklerLevel(column, 0.8), "somewhat alike (Jaro-Winkler ≥ 0.8)", 0.05, 0.05),
        _else(0.04, 0.93),
    ], tf=True)


def _birth() -> ComparisonCreator:
    year_gap = 'abs(try_cast("dob_year_l" AS INTEGER) - try_cast("dob_year_r" AS INTEGER))'
    return _comparison("dob", _null("dob_year"), [
        (cll.ExactMatchLevel("dob"), "the same date", 0.80, 0.0002),
        (cll.LevenshteinLevel("dob", 1), "one digit differs", 0.06, 0.002),
        (cll.AbsoluteDateDifferenceLevel("dob", input_is_string=True, threshold=1, metric="month",
                                         datetime_format="%Y-%m-%d"), "within a month", 0.02, 0.002),
        # only the year is known on one side: as close as the records allow
        (cll.CustomLevel('"dob_year_l" = "dob_year_r" AND ("dob_l" IS NULL OR "dob_r" IS NULL)'),
         "the same year (a date known only by its year)", 0.05, 0.005),
        (cll.CustomLevel(f"{year_gap} <= 1"), "at most a year apart", 0.03, 0.055),
        (cll.CustomLevel(f"{year_gap} <= 10"), "within ten years", 0.02, 0.3),
        _else(0.02, 0.6358),
    ])


def _father(with_given: bool) -> ComparisonCreator:
    """The father's name, told apart from brothers: the same father and a different given name
    is what two brothers look like, not one man written twice (independence would count the
    father as strong evidence for one person even when the given names disagree)."""
    same_given = ('("given_name_l" = "given_name_r" OR "given_sound_l" = "given_sound_r" '
                  'OR jaro_winkler_similarity("given_name_l", "given_name_r") >= 0.92)')
    levels: list[Level] = []
    if with_given:
        levels.append((cll.CustomLevel(f'"father_name_l" = "father_name_r" AND {same_given}'),
                       "the same, and the given names agree", 0.6, 0.00005))
    levels += [
        (cll.ExactMatchLevel("father_name"), "the same, but the given names differ (brothers?)"
         if with_given else "the same", 0.05 if with_given else 0.65, 0.005),
        (cll.JaroWinklerLevel("father_name", 0.9), "spelled alike (Jaro-Winkler ≥ 0.9)", 0.25, 0.01),
        _else(0.1, 0.98495 if with_given else 0.985),
    ]
    return _comparison("father_name", _null("father_name"), levels)


def _numbers(column: str, m: tuple[float, float, float],
             u: tuple[float, float, float]) -> ComparisonCreator:
    """Lists of numbers: one in common, or the smallest ones one or two edits apart (a typo)."""
    first = f'list_sort("{column}_l")[1]', f'list_sort("{column}_r")[1]'
    return _comparison(column, _null(column), [
        (cll.CustomLevel(f'len(list_intersect("{column}_l", "{column}_r")) > 0'), "a number in common",
         m[0], u[0]),
        (cll.CustomLevel(f"levenshtein({first[0]}, {first[1]}) <= 2"), "numbers one or two digits apart",
         m[1], u[1]),
        _else(m[2], u[2]),
    ])


def _text(column: str, close: float, m: tuple[float, float, float],
          u: tuple[float, float, float], *, tf: bool = False) -> ComparisonCreator:
    return _comparison(column, _null(column), [
        (cll.ExactMatchLevel(column), "the same", m[0], u[0]),
        (cll.JaroWinklerLevel(column, close), f"spelled alike (Jaro-Winkler ≥ {close})", m[1], u[1]),
        _else(m[2], u[2]),
    ], tf=tf)


def comparisons(filled: set[str]) -> list[ComparisonCreator | dict[str, Any]]:
    """The comparisons for the columns a data set fills; a column nobody fills is not compared."""
    found: list[ComparisonCreator | dict[str, Any]] = []
    if "given_name" in filled:
        found.append(_name("given_name", "given_sound", "surname"))
    if "surname" in filled:
        found.append(_name("surname", "surname_key", "given_name"))
    if "dob_year" in filled:
        found.append(_birth())
    if "father_name" in filled:
        found.append(_father("given_name" in filled))
    if "identifiers" in filled:
        found.append(_numbers("identifiers", (0.9, 0.05, 0.05), (0.00001, 0.001, 0.99899)))
    if "phones" in filled:
        found.append(_numbers("phones", (0.6, 0.05, 0.35), (0.0001, 0.001, 0.9989)))
    if "address" in filled:
        found.append(_text("address", 0.9, (0.7, 0.2, 0.1), (0.001, 0.01, 0.989)))
    if "locality" in filled:
        found.append(_text("locality", 0.9, (0.8, 0.05, 0.15), (0.05, 0.01, 0.94), tf=True))
    if "postcode" in filled:
        found.append(_comparison("postcode", _null("postcode"), [
            (cll.ExactMatchLevel("postcode"), "the same", 0.85, 0.002),
            (cll.LevenshteinLevel("postcode", 1), "one digit differs", 0.1, 0.02),
            _else(0.05, 0.978),
        ], tf=True))
    if "country" in filled:
        found.append(_comparison("country", _null("country"), [
            (cll.ExactMatchLevel("country"), "the same", 0.95, 0.5), _else(0.05, 0.5)], tf=True))
    return found


#: Which pairs are compared: those agreeing on at least one of these (columns all filled).
BLOCKING = (
    ("surname_key", "dob_year"),
    ("given_key", "dob_year"),
    ("given_key", "surname_key"),
    ("dob",),
    ("postcode", "surname_key"),
)
LIST_BLOCKING = ("identifiers", "phones")


def blocking_rules(filled: set[str]) -> list[Any]:
    rules: list[Any] = [block_on(*columns) for columns in BLOCKING if set(columns) <= filled]
    rules += [block_on(column, arrays_to_explode=[column]) for column in LIST_BLOCKING if column in filled]
    return rules
