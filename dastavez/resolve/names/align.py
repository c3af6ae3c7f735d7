"""The scoring core: word against word, then an alignment of two names' words.

Words are compared one to one (same spelling family, same phonetic key, or similar
spelling by Jaro-Winkler), then aligned greedily regardless of order, so "Baloch Akram"
meets "Akram Baloch". The score is the weighted share of agreement, where a word's
weight is how much it tells people apart: two men who share only "Muhammad" and "Khan"
do not score high; a disagreement, though, counts against whatever the words. A word
present on one side only (a middle name one source left out) costs half its weight.
Titles never reach this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from dastavez.resolve.names.analysis import NamePart
from dastavez.resolve.names.parts import NAME

PHONETIC_SCORE = 0.92  # same consonant skeleton, not the same spelling family
INITIAL_SCORE = 0.7  # "M." for Muhammad: compatible, not proof
_DIFFERENT_FAMILIES_CAP = 0.3  # Hasan and Hussain sound alike but are two names
_SPELLING_FLOOR = 0.7  # Jaro-Winkler below this counts as no agreement at all
# Agreement on a rare word is strong evidence and on a common one weak, but a disagreement
# is evidence against whatever the words: it weighs at least as much as two ordinary words.
_DISAGREEMENT_WEIGHT = 2.0
_ROLE_MISMATCH = 0.5  # "Abu Hamza" (father of Hamza) is not a man named Hamza
_MISSING = {NAME: 0.5}  # share of its weight a one-sided word costs; kunya and laqab:
_MISSING_OTHER = 0.25  # often left out, so they cost less
PATRONYM_SHARE = 0.2  # of the score, when both names give a father

# How two words met: constants here, worded for people in explain.py.
SAME, TRANSLITERATED, FAMILY, PHONETIC = "same", "transliterated", "spelling family", "phonetic key"
INITIAL, SPELLING, DIFFERENT = "initial", "similar spelling", "different"
DIFFERENT_NAMES, NOT_TRANSLITERABLE = "different names", "not transliterable"
MISSING_IN_A, MISSING_IN_B = "missing in a", "missing in b"

Pairing = tuple[int | None, int | None, float, str]  # index in a, index in b, agreement, how


def similarity(a: NamePart, b: NamePart) -> tuple[float, str]:
    """The agreement of two words in [0, 1], and how it was found."""
    if a.canonical == b.canonical:
        if a.family is not None and a.text != b.text:
            return 1.0, FAMILY
        return 1.0, SAME if a.native == b.native else TRANSLITERATED
    if not (a.transliterable and b.transliterable):
        return 0.0, NOT_TRANSLITERABLE
    if a.initial or b.initial:
        short, full = (a, b) if a.initial else (b, a)
        return (INITIAL_SCORE, INITIAL) if full.canonical.startswith(short.canonical) else (0.0, DIFFERENT)
    if a.family is not None and b.family is not None:  # two listed names: known to differ
        spelling = JaroWinkler.normalized_similarity(a.canonical, b.canonical)
        return min(_spelling_score(spelling), _DIFFERENT_FAMILIES_CAP), DIFFERENT_NAMES
    # Arabic script does not say which vowel opens a word: compare without it.
    key_a, key_b = (a.loose_key, b.loose_key) if a.vowelless or b.vowelless else (a.key, b.key)
    if key_a == key_b and len(key_a) >= 2:
        return PHONETIC_SCORE, PHONETIC
    spelling = max(JaroWinkler.normalized_similarity(a.canonical, b.canonical),
                   JaroWinkler.normalized_similarity(key_a, key_b))
    score = _spelling_score(spelling)
    return (score, SPELLING) if score > 0 else (0.0, DIFFERENT)


def _spelling_score(jaro_winkler: float) -> float:
    return 0.9 * max(0.0, jaro_winkler - _SPELLING_FLOOR) / (1.0 - _SPELLING_FLOOR)


@lru_cache(maxsize=1 << 17)
def _agreement(a: NamePart, b: NamePart) -> tuple[float, str]:
    """``similarity`` in the words' roles. Cached: screening meets the same words over and
    over (a registry's names are made of a few thousand words), and this is its inner loop."""
    score, how = similarity(a, b)
    return (score * _ROLE_MISMATCH if a.role != b.role else score), how


def align(a: Sequence[NamePart], b: Sequence[NamePart]) -> list[Pairing]:
    """Pair each word with at most one word of the other name: best agreements first,
    then the heaviest leftover words with each other as disagreements."""
    candidates = []
    for i, part_a in enumerate(a):
        for j, part_b in enumerate(b):
            score, how = _agreement(part_a, part_b)
            weight = part_a.weight + part_b.weight
            candidates.append((score * weight, weight, -i, -j, score, how))
    candidates.sort(reverse=True)  # ties go to the earlier words, in either order of a and b
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[Pairing] = []
    for _, _, minus_i, minus_j, score, how in candidates:
        if -minus_i not in used_a and -minus_j not in used_b:
            used_a.add(-minus_i)
            used_b.add(-minus_j)
            pairs.append((-minus_i, -minus_j, score, how))
    pairs += [(i, None, 0.0, MISSING_IN_B) for i in range(len(a)) if i not in used_a]
    pairs += [(None, j, 0.0, MISSING_IN_A) for j in range(len(b)) if j not in used_b]
    return pairs


def weighted_score(a: Sequence[NamePart], b: Sequence[NamePart], pairs: Sequence[Pairing]) -> float:
    """The weighted share of agreement over the aligned words."""
    agreement = total = 0.0
    for i, j, score, _ in pairs:
        if i is not None and j is not None:
            weight = a[i].weight + b[j].weight
            agreement += score * weight
            if a[i].initial or b[j].initial:
                total += weight  # an initial is short, not wrong
            else:
                total += score * weight + (1.0 - score) * max(weight, _DISAGREEMENT_WEIGHT)
        elif i is not None:
            total += a[i].weight * _MISSING.get(a[i].role, _MISSING_OTHER)
        elif j is not None:
            total += b[j].weight * _MISSING.get(b[j].role, _MISSING_OTHER)
    return agreement / total if total else 0.0
