"""The explanation of a name comparison: structured parts for the API, one line for people.

An analyst must see why two names were held to be one person (and a court may ask), so
every comparison says which words met which, how, and what was set aside. The parts are
plain JSON-ready dicts; ``kind`` tells them apart:

- ``script``: the names are in different scripts, and whether they could be transliterated;
- ``title``: titles set aside on one side (never scored);
- ``token``: one word against another (or against nothing), with its role, how and score;
- ``patronym``: the fathers' names, compared when both names give one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dastavez.resolve.names.align import (
    DIFFERENT_NAMES,
    FAMILY,
    PATRONYM_SHARE,
    PHONETIC,
    SAME,
    SPELLING,
    Pairing,
    weighted_score,
)
from dastavez.resolve.names.analysis import NameAnalysis, NamePart

Explanation = dict[str, str | float | list[str] | None]


@dataclass(frozen=True, slots=True)
class NameMatch:
    """The outcome of ``compare_names``."""

    score: float  # in [0, 1]
    summary: str  # one line for a person
    explanation: list[Explanation] = field(default_factory=list)


_AGREES = 0.6  # a word pair at or above this is said to agree in the summary


def _word(part: NamePart | None) -> str | None:
    if part is None:
        return None
    return part.native if part.native == part.text else f"{part.native} ({part.text})"


def _how(how: str, score: float, a: NamePart | None, b: NamePart | None) -> str:
    """The constant from align.py, with the detail a reader wants."""
    if a is None or b is None:
        return how
    detail = {FAMILY: f"{how} {a.family}", PHONETIC: f"{how} {a.key}", SPELLING: f"{how} ({score:.2f})",
              DIFFERENT_NAMES: f"{how} ({a.family}, {b.family})"}.get(how, how)
    return detail if a.role == b.role else f"{detail}; {a.role} vs {b.role}"


def _token_parts(a: Sequence[NamePart], b: Sequence[NamePart], pairs: Sequence[Pairing],
                 kind: str = "token") -> list[Explanation]:
    out: list[Explanation] = []
    for i, j, score, how in pairs:
        part_a = a[i] if i is not None else None
        part_b = b[j] if j is not None else None
        role = part_a.role if part_a is not None else part_b.role if part_b is not None else None
        out.append({"kind": kind, "a": _word(part_a), "b": _word(part_b), "role": role,
                    "how": _how(how, score, part_a, part_b),
                    "score": round(score, 3)})
    return out


def _script_part(a: NameAnalysis, b: NameAnalysis) -> Explanation | None:
    if a.script == b.script and a.transliterable and b.transliterable:
        return None
    if a.transliterable and b.transliterable:
        how = "transliterated"
    else:
        untransliterable = sorted({n.script for n in (a, b) if not n.transliterable})
        how = f"not transliterable ({', '.join(untransliterable)}): only identical spellings match"
    return {"kind": "script", "a": a.script, "b": b.script, "how": how}


def _summary(score: float, a: NameAnalysis, b: NameAnalysis, pairs: Sequence[Pairing],
             father_score: float | None, script: Explanation | None) -> str:
    met = [(a.parts[i], b.parts[j], s, how) for i, j, s, how in pairs
           if i is not None and j is not None and s >= _AGREES]
    details = [f"{_word(x)} = {_word(y)} ({_how(how, s, x, y)})" for x, y, s, how in met if how != SAME]
    line = f"{score:.2f}: {len(met)} of {max(len(a.parts), len(b.parts))} name words agree"
    if details:
        line += ": " + ", ".join(details)
    if a.titles or b.titles:
        line += f"; set aside: {', '.join((*a.titles, *b.titles))}"
    if script is not None:
        line += f"; {script['a']} and {script['b']} script, {script['how']}"
    if father_score is not None:
        line += f"; fathers' names {father_score:.2f}"
    return line


def explain(a: NameAnalysis, b: NameAnalysis, score: float, pairs: Sequence[Pairing],
            fathers: Sequence[Pairing] | None) -> NameMatch:
    extras: list[Explanation] = []
    script = _script_part(a, b)
    if script is not None:
        extras.append(script)
    for side, analysis in (("a", a), ("b", b)):
        if analysis.titles:
            extras.append({"kind": "title", "side": side, "set_aside": list(analysis.titles)})
    tokens = _token_parts(a.parts, b.parts, pairs)
    father_score: float | None = None
    if fathers is not None:
        father_score = weighted_score(a.patronym_parts, b.patronym_parts, fathers)
        extras.append({"kind": "patronym", "a": a.patronym, "b": b.patronym, "score": round(father_score, 3),
                       "how": f"{PATRONYM_SHARE:.0%} of the score"})
        tokens_of_fathers = _token_parts(a.patronym_parts, b.patronym_parts, fathers, kind="patronym_token")
    else:
        tokens_of_fathers = []
        if a.patronym or b.patronym:
            extras.append({"kind": "patronym", "a": a.patronym, "b": b.patronym, "score": None,
                           "how": "given on one side only: not compared"})
    score = min(1.0, max(0.0, score))
    summary = _summary(score, a, b, pairs, father_score, script)
    return NameMatch(round(score, 4), summary, [*extras, *tokens, *tokens_of_fathers])
