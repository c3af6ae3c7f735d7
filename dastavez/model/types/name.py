"""Names of persons and organisations: kept in their own script, folded for matching."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import ClassVar

from dastavez.model.types.base import Cleaned, PropertyType, TypeContext

# Prefixes of unicodedata.name() mapped to ISO 15924 codes; first match wins.
_SCRIPT_PREFIXES: tuple[tuple[str, str], ...] = (
    ("LATIN", "Latn"),
    ("FULLWIDTH LATIN", "Latn"),
    ("ARABIC", "Arab"),  # Arabic script, which Urdu, Persian and Pashto are written in
    ("CYRILLIC", "Cyrl"),
    ("CJK UNIFIED IDEOGRAPH", "Hani"),
    ("CJK COMPATIBILITY IDEOGRAPH", "Hani"),
    ("DEVANAGARI", "Deva"),
    ("GREEK", "Grek"),
    ("HEBREW", "Hebr"),
)
NO_LETTERS = "Zyyy"  # ISO 15924 "common": digits and punctuation only
OTHER_SCRIPT = "Zzzz"  # ISO 15924 "uncoded": letters of a script not listed above
MIXED = "Mixd"
_MIXED_SHARE = 0.2  # two scripts each above this share of the letters make a mixed name

_TATWEEL = "\u0640"
# Arabic and Urdu keyboards give different code points for what a reader sees as one letter.
_ARABIC_UNIFY = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh -> ی Farsi yeh (Urdu's)
        "\u0649": "\u06cc",  # ى alef maksura -> ی
        "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh (Urdu's)
        "\u06aa": "\u06a9",  # ڪ swash kaf -> ک
        "\u0647": "\u06c1",  # ه Arabic heh -> ہ heh goal (Urdu's)
        "\u0629": "\u06c1",  # ة teh marbuta -> ہ
        "\u06c3": "\u06c1",  # ۃ teh marbuta goal -> ہ
        "\u0671": "\u0627",  # ٱ alef wasla -> ا (other alef forms lose their hamza/madda in NFKD)
    }
)
# ھ (do-chashmi heh) after a letter marks aspiration (بھ، پھ) and stays; at a word start it is a he.
_STANDALONE_DO_CHASHMI = re.compile(r"(?<!\w)\u06be")
_SPACING_MODIFIERS = range(0x02B0, 0x0300)  # ʿ ʾ ʼ in transliterations: punctuation, not letters


@lru_cache(maxsize=4096)
def _char_script(char: str) -> str | None:
    """The script a character counts for, or None when it counts for none (not a letter)."""
    if not char.isalpha() or ord(char) in _SPACING_MODIFIERS:
        return None
    char_name = unicodedata.name(char, "")
    script = next((code for prefix, code in _SCRIPT_PREFIXES if char_name.startswith(prefix)), None)
    if script is None and unicodedata.category(char) == "Lm":
        return None  # modifier letters (length marks and the like) belong to no one script
    return script or OTHER_SCRIPT


def detect_script(text: str) -> str:
    """The dominant ISO 15924 script of the letters in ``text``; ``Mixd`` or ``Zyyy`` when none dominates."""
    counts: Counter[str] = Counter()
    for char in text:
        # Looked up once per distinct character (names repeat a few dozen letters): bulk loads
        # clean hundreds of thousands of names.
        script = _char_script(char)
        if script is not None:
            counts[script] += 1
    total = sum(counts.values())
    if total == 0:
        return NO_LETTERS
    ranked = counts.most_common(2)
    if len(ranked) == 2 and ranked[1][1] > _MIXED_SHARE * total:
        return MIXED
    return ranked[0][0]


def fold(text: str) -> str:
    """Fold ``text`` for matching: no case, accents, diacritics, punctuation or letter variants."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept: list[str] = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category[0] == "M" or category == "Cf" or char == _TATWEEL:
            continue  # accents, harakat, zero-width joiners: invisible to a reader comparing names
        if category == "Nd":
            kept.append(str(unicodedata.decimal(char)))  # ۱۲ and ١٢ compare equal to 12
        elif category[0] in "LN" and ord(char) not in _SPACING_MODIFIERS:
            kept.append(char)
        else:
            kept.append(" ")
    folded = "".join(kept).translate(_ARABIC_UNIFY)
    folded = _STANDALONE_DO_CHASHMI.sub("\u06c1", folded)
    return " ".join(folded.split())


class NameType(PropertyType):
    """A person's or organisation's name, in any script."""

    name: ClassVar[str] = "name"
    max_length: ClassVar[int] = 300
    label: ClassVar[str] = "name"

    def parse(self, text: str, context: TypeContext) -> Cleaned:
        script = detect_script(text)
        normalised = fold(text)
        if script == NO_LETTERS or not normalised:
            raise self.reject(text, "has no letters")
        return Cleaned(text, normalised, {"script": script})
