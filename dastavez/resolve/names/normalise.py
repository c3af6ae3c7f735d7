"""From folded words to name words: compounds split, each word in its script and in Latin.

Folding (``dastavez.model.types.name.fold``) has already removed case, accents, harakat,
tatweel and punctuation. What is left to do before a name can be taken apart is to split
the compounds that are written as one word in some records and as two in others
("Abdurrahman" and "Abdul Rahman", "Saifullah" and "Saif Ullah", "عبدالواحد" and
"Abdul Wahid"), and to write every word in Latin letters.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from dastavez.resolve.names.tables import Particles, families, particles
from dastavez.resolve.names.transliterate import to_latin

_MIN_STEM = 3  # "Mullah" must not become "m" + "allah"


class Word(NamedTuple):
    """One word of a name: as written (folded), and in Latin letters."""

    native: str
    latin: str
    vowelless: bool  # from a script that leaves short vowels out (Arabic, Urdu, Hebrew)
    transliterable: bool


def _split_suffix(word: str, table: Particles) -> tuple[str, ...] | None:
    for suffix, tail in table.fused_suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)], tail
    return None


def _split_abd(word: str, table: Particles) -> tuple[str, ...] | None:
    """Split a fused Abd- compound: "abdurrahman" -> ("abd", "rahman"), "عبدالواحد" -> ("عبد", "واحد")."""
    for prefix in table.abd_prefixes:
        if not word.startswith(prefix):
            continue
        rest = word[len(prefix):]
        for join in table.abd_joins:
            if rest.startswith(join) and len(rest) - len(join) >= _MIN_STEM:
                name = rest[len(join):]
                # "abdur" + "azaq": the assimilated article ate the r of Razaq; give it back.
                if len(join) == 2 and join[0] == "u" and join[1] in "rsztdn" and not name.startswith(join[1]):
                    name = join[1] + name
                return prefix, name
        if len(rest) >= _MIN_STEM:
            return prefix, rest
    return None


def _split_article(word: str, table: Particles) -> tuple[str, ...] | None:
    """Arabic script joins the article to its word: "الفلانی" -> ("ال", "فلانی")."""
    if word.startswith("ال") and len(word) > 3 and word not in table.arabic_article_exceptions:
        return "ال", word[2:]
    return None


def split_compound(word: str) -> tuple[str, ...]:
    """``word`` as the words of its compound, or alone when it is none."""
    table = particles()
    if word in families():
        return (word,)
    for split in (_split_suffix, _split_abd, _split_article):
        parts = split(word, table)
        if parts is not None:
            return (parts[0], *split_compound(parts[1])) if parts[0] != word else parts
    return (word,)


@lru_cache(maxsize=1 << 16)
def name_words(folded: str) -> tuple[Word, ...]:
    """The words of one folded word of a name (more than one where it is a compound)."""
    out: list[Word] = []
    for part in split_compound(folded):
        family = families().get(part)
        latin = to_latin(part)
        if latin is None:
            out.append(Word(part, part, vowelless=False, transliterable=False))
        elif family is not None:
            # A listed spelling in Arabic script gets its vowels back: محمد -> muhammad.
            out.append(Word(part, family.canonical if latin.vowelless else latin.text, False, True))
        else:
            out.append(Word(part, latin.text, latin.vowelless, True))
    return tuple(out)
