"""``analyse_name``: one raw name string taken apart into what a comparison needs.

The analysis is done once per name and cached; comparing two analysed names (compare.py)
is then cheap, which is what screening needs: one query against thousands of candidates.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from dastavez.model.types.name import detect_script
from dastavez.resolve.names.normalise import Word, name_words
from dastavez.resolve.names.parts import KUNYA, LAQAB, assign_roles, set_titles_aside, split_segments
from dastavez.resolve.names.phonetic import phonetic_key, without_first_vowel
from dastavez.resolve.names.tables import families

_INITIAL_WEIGHT = 0.3  # "M." tells little about who is meant
_BLOCKING_MIN_WEIGHT = 0.5  # tokens rarer than this make blocking keys
_BLOCKING_MAX_KEYS = 3


class NamePart(NamedTuple):
    """One identifying word of a name, ready to compare."""

    native: str  # as written, folded
    text: str  # in Latin letters (without short vowels where ``vowelless``)
    canonical: str  # the spelling family's representative, else ``text``
    key: str  # phonetic key of ``canonical`` (phonetic.py); the word itself if untransliterable
    loose_key: str  # ``key`` without its leading vowel class, for words from Arabic script
    weight: float  # how much the word tells people apart, (0, 1]
    role: str  # "name", "kunya" or "laqab"
    family: str | None  # canonical of its spelling family, if it has one
    vowelless: bool
    transliterable: bool
    initial: bool  # a single letter, "M." for Muhammad


@dataclass(frozen=True, slots=True)
class NameAnalysis:
    """A name taken apart. ``tokens``, ``canonical_tokens`` and ``phonetic`` are aligned."""

    original: str  # the raw name, NFC
    script: str  # ISO 15924 code from detect_script ("Latn", "Arab", "Mixd", ...)
    latin: str  # the name proper in Latin letters, titles included
    tokens: tuple[str, ...]  # identifying words in Latin letters, without titles and particles
    titles: tuple[str, ...]  # canonical titles set aside ("maulana", "haji")
    kunya: str | None  # "abu hamza"
    laqab: tuple[str, ...]  # words after the article: "al-Fulani" -> ("fulani",)
    patronym: str | None  # father's name (after s/o, bin, walad, ولد), in Latin letters
    spouse: str | None  # after w/o
    residence: str | None  # after r/o, as written (folded): not compared
    aliases: tuple[str, ...]  # after @, alias, urf, as written (folded): analyse them separately
    canonical_tokens: tuple[str, ...]
    phonetic: tuple[str, ...]
    blocking_keys: frozenset[str]  # what a query looks up in a screening index
    index_keys: frozenset[str]  # what a record is filed under in that index
    parts: tuple[NamePart, ...]
    patronym_parts: tuple[NamePart, ...]
    transliterable: bool  # every word could be written in Latin letters


@lru_cache(maxsize=1 << 15)
def part_of(word: Word, role: str) -> NamePart:
    """One word in its role, ready to compare (cached: a registry's names share their words)."""
    family = families().get(word.latin) or families().get(word.native)
    canonical = family.canonical if family is not None else word.latin
    if not word.transliterable:
        return NamePart(word.native, word.latin, canonical, word.native, word.native, 1.0, role, None,
                        vowelless=False, transliterable=False, initial=False)
    initial = len(canonical) == 1
    weight = family.weight if family is not None else (_INITIAL_WEIGHT if initial else 1.0)
    key = phonetic_key(canonical)
    return NamePart(word.native, word.latin, canonical, key, without_first_vowel(key), weight, role,
                    family.canonical if family is not None else None, word.vowelless, True, initial)


def _words(folded: Sequence[str]) -> list[Word]:
    return [word for token in folded for word in name_words(token)]


def _parts(folded: Sequence[str]) -> tuple[tuple[str, ...], list[Word], tuple[NamePart, ...]]:
    """(titles set aside, every word, the identifying parts) of one run of folded words."""
    words = _words(folded)
    titles, rest = set_titles_aside(words)
    return titles, words, tuple(part_of(word, role) for word, role in assign_roles(rest))


def block_key(part: NamePart) -> str:
    """The key a word is filed under and looked up by."""
    # The leading vowel is dropped because Arabic script does not write it: اکرم, Akram and
    # Ikram share a block, and the comparison tells them apart.
    return f"p:{part.loose_key}" if part.transliterable else f"w:{part.key}"


def blocking_keys(parts: Sequence[NamePart]) -> frozenset[str]:
    """The keys a query looks up: those of its most informative words.

    At most three words of weight 0.5 or more, rarest first, so that "Muhammad" and "Khan"
    do not pull half the registry into every query; a name of common words only looks up
    its two most informative ones. Records are filed under ``index_keys``, which include
    every word, so a weak query ("B. Din Khan") still finds "Bilal Din Khan".
    """
    ranked = sorted((p for p in parts if not p.initial),
                    key=lambda p: (-p.weight, -len(p.key)))
    chosen = [p for p in ranked if p.weight >= _BLOCKING_MIN_WEIGHT][:_BLOCKING_MAX_KEYS] or ranked[:2]
    return frozenset(block_key(p) for p in chosen if p.key)


def index_keys(parts: Sequence[NamePart]) -> frozenset[str]:
    """The keys a record is filed under: every word's but initials' (a superset of
    ``blocking_keys``, so any query that shares a word's key with the record finds it)."""
    return frozenset(block_key(p) for p in parts if p.key and not p.initial)


# About 2 KB an analysis: the cache serves repeated queries; a screening index or a dedupe
# run over the registry should keep its own analyses rather than lean on this.
@lru_cache(maxsize=1 << 14)
def analyse_name(raw: str) -> NameAnalysis:
    """Take ``raw`` apart: script, Latin form, titles, kunya, laqab, patronym, keys."""
    original = unicodedata.normalize("NFC", raw).strip()
    segments = split_segments(original)
    titles, words, parts = _parts(segments.name)
    father = _parts(segments.patronym)[2]
    _, spouse_words, _ = _parts(segments.spouse)
    kunya = [p.canonical for p in parts if p.role == KUNYA]
    return NameAnalysis(
        original=original,
        script=detect_script(original),
        latin=" ".join(w.latin for w in words),
        tokens=tuple(p.text for p in parts),
        titles=titles,
        kunya=" ".join(kunya) or None,
        laqab=tuple(p.text for p in parts if p.role == LAQAB),
        patronym=" ".join(p.text for p in father) or None,
        spouse=" ".join(w.latin for w in spouse_words) or None,
        residence=" ".join(segments.residence) or None,
        aliases=tuple(" ".join(alias) for alias in segments.aliases),
        canonical_tokens=tuple(p.canonical for p in parts),
        phonetic=tuple(p.key for p in parts),
        blocking_keys=blocking_keys(parts),
        index_keys=index_keys(parts),
        parts=parts,
        patronym_parts=father,
        transliterable=all(p.transliterable for p in parts),
    )
