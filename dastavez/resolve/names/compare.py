"""``compare_names``: how alike two names are, in [0, 1], and why.

The scoring is in align.py and the wording of the explanation in explain.py; this module
puts them together. ``name_score`` is the same number without the explanation, for
screening loops that rank thousands of candidates and explain only the best.
"""

from __future__ import annotations

from typing import Protocol

from dastavez.resolve.names.align import PATRONYM_SHARE, Pairing, align, weighted_score
from dastavez.resolve.names.analysis import NameAnalysis, NamePart, analyse_name
from dastavez.resolve.names.explain import NameMatch, explain


class Scorable(Protocol):
    """What the scorer reads of a name: an analysis, or a stored form (forms.py)."""

    @property
    def parts(self) -> tuple[NamePart, ...]: ...

    @property
    def patronym_parts(self) -> tuple[NamePart, ...]: ...


def _analysed(name: str | NameAnalysis) -> NameAnalysis:
    return analyse_name(name) if isinstance(name, str) else name


def _scored(a: Scorable, b: Scorable) -> tuple[float, list[Pairing], list[Pairing] | None]:
    pairs = align(a.parts, b.parts)
    score = weighted_score(a.parts, b.parts, pairs)
    if not (a.patronym_parts and b.patronym_parts):
        return score, pairs, None
    fathers = align(a.patronym_parts, b.patronym_parts)
    father_score = weighted_score(a.patronym_parts, b.patronym_parts, fathers)
    return (1 - PATRONYM_SHARE) * score + PATRONYM_SHARE * father_score, pairs, fathers


def name_score(a: str | Scorable, b: str | Scorable) -> float:
    """The score of ``compare_names`` alone."""
    first = analyse_name(a) if isinstance(a, str) else a
    second = analyse_name(b) if isinstance(b, str) else b
    return _scored(first, second)[0]


def compare_names(a: str | NameAnalysis, b: str | NameAnalysis) -> NameMatch:
    """Compare two names (raw or analysed): a score in [0, 1] and its explanation."""
    first, second = _analysed(a), _analysed(b)
    score, pairs, fathers = _scored(first, second)
    return explain(first, second, score, pairs, fathers)
