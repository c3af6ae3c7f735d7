"""The name tables (``*.yaml`` beside this module), loaded once into typed lookups.

The tables are data so that an analyst can read and extend them without reading code;
this module checks them as it loads them, so a slip in a table fails loudly at start-up
(and in the tests) instead of quietly weakening every comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from dastavez.model.types.name import fold

_HERE = Path(__file__).parent
LETTER_CONTEXTS = ("initial", "final_after_long", "final", "before_long", "after_consonant", "default")


@dataclass(frozen=True, slots=True)
class Family:
    """A spelling family: its representative and how much the name tells people apart."""

    canonical: str
    weight: float


@dataclass(frozen=True, slots=True)
class Titles:
    leading: dict[tuple[str, ...], str]  # folded words -> canonical title
    trailing: dict[tuple[str, ...], str]


@dataclass(frozen=True, slots=True)
class Particles:
    symbol_markers: dict[str, str]  # "s/o", "@" (casefolded, found before folding) -> part
    word_markers: dict[tuple[str, ...], str]  # folded words ("son", "of"), ("ولد",) -> part
    kunya_prefixes: frozenset[str]  # canonical spellings: "abu", "umm" (their family has the rest)
    articles: frozenset[str]
    assimilated_articles: frozenset[str]
    connectors: frozenset[str]
    compound_tails: frozenset[str]
    fused_suffixes: tuple[tuple[str, str], ...]  # longest first
    abd_prefixes: tuple[str, ...]
    abd_joins: tuple[str, ...]  # longest first
    arabic_article_exceptions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Letters:
    rules: dict[str, dict[str, str]]  # letter -> context -> Latin
    long: frozenset[str]  # long vowel letters of the abjads (the before_long context)
    abjad: frozenset[str]  # letters of scripts that leave short vowels unwritten
    endings: tuple[tuple[str, str], ...]  # word endings read as a whole, longest first


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((_HERE / name).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{name}: expected a mapping at the top")
    return data


def _words(entry: object, where: str) -> list[str]:
    """A list of table words, each checked to be text (YAML reads `no` or `on` as booleans)."""
    if not isinstance(entry, list) or not all(isinstance(word, str) and word for word in entry):
        raise ValueError(f"{where}: expected a list of words, got {entry!r}")
    return [fold(word) for word in entry]


@cache
def families() -> dict[str, Family]:
    """Every folded spelling (Latin or Arabic script) -> its family."""
    by_spelling: dict[str, Family] = {}
    for canonical, spec in _load("families.yaml").items():
        weight = float(spec.get("weight", 1.0))
        if not 0.0 < weight <= 1.0:
            raise ValueError(f"families.yaml: weight of {canonical} must lie in (0, 1]")
        family = Family(canonical, weight)
        for spelling in {canonical, *_words(spec.get("variants", []), f"families.yaml: {canonical}")}:
            if " " in spelling:
                raise ValueError(f"families.yaml: {spelling!r} is more than one word")
            if by_spelling.setdefault(spelling, family) != family:
                raise ValueError(f"families.yaml: {spelling!r} is in {by_spelling[spelling].canonical} "
                                 f"and {canonical}")
    return by_spelling


def _title_map(section: dict[str, object], where: str) -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    for canonical, variants in section.items():
        for spelling in {canonical, *_words(variants, f"titles.yaml: {where}.{canonical}")}:
            out[tuple(spelling.split())] = canonical
    return out


@cache
def titles() -> Titles:
    raw = _load("titles.yaml")
    return Titles(_title_map(raw["leading"], "leading"), _title_map(raw["trailing"], "trailing"))


@cache
def particles() -> Particles:
    raw = _load("particles.yaml")
    symbols: dict[str, str] = {}
    word_markers: dict[tuple[str, ...], str] = {}
    for part, markers in raw["relations"].items():
        for marker in markers:
            # Folding would turn "s/o" into "s o": such markers are found in the raw text.
            if fold(marker).split() == marker.casefold().split():
                word_markers[tuple(fold(marker).split())] = part
            else:
                symbols[marker.casefold()] = part
    suffixes = {fold(k): fold(v) for k, v in raw["fused_suffixes"].items()}

    def words(key: str) -> frozenset[str]:
        return frozenset(_words(raw[key], f"particles.yaml: {key}"))

    return Particles(
        symbol_markers=symbols,
        word_markers=word_markers,
        kunya_prefixes=words("kunya_prefixes"),
        articles=words("articles"),
        assimilated_articles=words("assimilated_articles"),
        connectors=words("connectors"),
        compound_tails=words("compound_tails"),
        fused_suffixes=tuple(sorted(suffixes.items(), key=lambda kv: -len(kv[0]))),
        abd_prefixes=tuple(_words(raw["abd_prefixes"], "particles.yaml: abd_prefixes")),
        abd_joins=tuple(sorted(_words(raw["abd_joins"], "particles.yaml: abd_joins"), key=len, reverse=True)),
        arabic_article_exceptions=words("arabic_article_exceptions"),
    )


@cache
def letters() -> Letters:
    rules: dict[str, dict[str, str]] = {}
    long: set[str] = set()
    abjad: set[str] = set()
    endings: dict[str, str] = {}
    for name, alphabet in _load("letters.yaml")["alphabets"].items():
        long.update(alphabet.get("long", ""))
        endings.update({str(k): str(v) for k, v in alphabet.get("endings", {}).items()})
        for letter, rule in alphabet["letters"].items():
            contexts = rule if isinstance(rule, dict) else {"default": rule}
            if len(letter) != 1 or "default" not in contexts or set(contexts) - set(LETTER_CONTEXTS):
                raise ValueError(f"letters.yaml: {name} {letter!r}: one letter, contexts of "
                                 f"{LETTER_CONTEXTS} and a default")
            if letter in rules:
                raise ValueError(f"letters.yaml: {letter!r} is listed twice")
            rules[letter] = {context: str(latin) for context, latin in contexts.items()}
            if alphabet.get("abjad", False):
                abjad.add(letter)
    unknown = {char for ending in endings for char in ending} - set(rules)
    if unknown:
        raise ValueError(f"letters.yaml: endings use letters without rules: {sorted(unknown)}")
    return Letters(rules, frozenset(long), frozenset(abjad),
                   tuple(sorted(endings.items(), key=lambda kv: -len(kv[0]))))
