"""Folded words of Arabic, Urdu, Pashto, Hebrew, Cyrillic and Greek script written in Latin.

Rules, not a generic romaniser: a letter's Latin depends on where it stands (Urdu ی is
"y" in یاسر and "i" in علی; ہ is "h" in شاہ and "a" in حمزہ), and the letters Urdu adds to
Arabic (ٹ ڈ ڑ ں ھ ے ژ پ چ گ) have entries of their own. The tables are in ``letters.yaml``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import NamedTuple

from dastavez.resolve.names.tables import letters


class Latin(NamedTuple):
    """A word in Latin letters, and whether its source script left the short vowels out."""

    text: str
    vowelless: bool


def _context(word: str, i: int, long: frozenset[str]) -> tuple[str, ...]:
    """The contexts of ``word[i]``, most specific first, as named in letters.yaml."""
    last = i == len(word) - 1
    contexts: list[str] = []
    if i == 0:
        contexts.append("initial")
    if last and i > 0 and word[i - 1] in long:
        contexts.append("final_after_long")
    if last:
        contexts.append("final")
    if not last and word[i + 1] in long:
        contexts.append("before_long")
    if i > 0 and word[i - 1] not in long:
        contexts.append("after_consonant")
    contexts.append("default")
    return tuple(contexts)


@lru_cache(maxsize=1 << 16)
def to_latin(word: str) -> Latin | None:
    """``word`` (already folded) in plain a-z, or None when a letter has no rule.

    None means the script is not transliterated here (Chinese, Korean, Thai, Devanagari,
    ...): such a word can only meet a word written the same way. Digits are kept, and the
    rare Latin letters no table knows are dropped rather than spoiling a whole name.
    """
    table = letters()
    ending = next(((e, latin) for e, latin in table.endings if word.endswith(e) and len(word) > len(e)),
                  ("", ""))
    out: list[str] = []
    vowelless = False
    for i, char in enumerate(word[: len(word) - len(ending[0])]):
        if char.isascii():
            out.append(char)
            continue
        rule = table.rules.get(char)
        if rule is None:
            if unicodedata.name(char, "").startswith("LATIN"):
                continue
            return None
        vowelless = vowelless or char in table.abjad
        out.append(next(rule[c] for c in _context(word, i, table.long) if c in rule))
    return Latin("".join(out) + ending[1], vowelless)
