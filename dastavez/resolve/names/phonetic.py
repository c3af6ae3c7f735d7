"""A phonetic key for South Asian and Arabic names written in Latin letters.

Why not Soundex or Metaphone (jellyfish has both)? They encode English spelling: Metaphone
writes "ghulam" as KHLM and "gulam" as KLM, "javed" as JFT and "jawad" as JWT, and drops
the "h" of "mhmod" but not of "mahmoud". Names here are spelled by ear from Urdu, Arabic,
Pashto or Balochi, and the spellings differ in predictable ways: long vowels doubled or
not (Naseer/Nasir), consonants doubled or not (Hussain/Husain), q or k (Tariq/Tarik), v or
w (Naveed/Nawid), an aspirate written or not (Bhat/Butt), and, for a word transliterated
from Arabic script, no short vowels at all ("akrm" for اکرم).

The key keeps what those spellings share, the consonant skeleton:

- digraphs become one symbol: ch/chh -> C, sh -> X, kh -> Q, gh -> G, ph -> F,
  th -> T, dh -> D, bh -> B, jh -> J; q, ck and c -> K; x -> KS; v and w -> W;
- a doubled consonant counts once;
- a vowel at the start becomes its class (A for a, I for e/i, U for o/u), so Ikram and
  Akram, Umar and Amir keep apart; y at the start is a consonant (Yasir);
- every other vowel (and y) is dropped, except that a word ending in a vowel keeps its
  class at the end (Hasni -> HSNI, not Hassan's HSN; Fatima and Fatimah -> FTMA);
- h after a vowel at the end is dropped (Hamzah = Hamza, Shah = شاہ "shah").

Keys are compared for equality; two keys that differ are compared with Jaro-Winkler.
"""

from __future__ import annotations

import re
from functools import lru_cache

_DIGRAPHS = (
    ("chh", "C"), ("ch", "C"), ("sh", "X"), ("kh", "Q"), ("gh", "G"), ("ph", "F"), ("th", "T"),
    ("dh", "D"), ("bh", "B"), ("jh", "J"), ("ck", "K"), ("q", "K"), ("c", "K"), ("x", "KS"), ("v", "W"),
)
_DIGRAPH = re.compile("|".join(source for source, _ in _DIGRAPHS))
_SYMBOL = dict(_DIGRAPHS)
_VOWEL_CLASS = {"a": "A", "e": "I", "i": "I", "y": "I", "o": "U", "u": "U"}
VOWEL_CLASSES = frozenset(_VOWEL_CLASS.values())


@lru_cache(maxsize=1 << 16)
def phonetic_key(word: str) -> str:
    """The consonant-skeleton key of a lower-case ascii ``word`` ("" for no letters)."""
    word = "".join(char for char in word if "a" <= char <= "z")
    if len(word) > 1 and word.endswith("h") and word[-2] in "aeiouy":
        word = word[:-1]
    if not word:
        return ""
    # Upper case marks a consonant already mapped, lower case a letter still to look at.
    mapped = _DIGRAPH.sub(lambda m: _SYMBOL[m.group(0)], word)
    key: list[str] = []
    for i, char in enumerate(mapped):
        if char in _VOWEL_CLASS and not (char == "y" and i == 0 and len(mapped) > 1):
            if i == 0:
                key.append(_VOWEL_CLASS[char])
            continue
        symbol = char.upper()
        if not key or key[-1] != symbol or (i > 0 and mapped[i - 1] in _VOWEL_CLASS):
            key.append(symbol)
    if mapped[-1] in _VOWEL_CLASS and len(mapped) > 1:
        key.append(_VOWEL_CLASS[mapped[-1]])
    return "".join(key)


def without_first_vowel(key: str) -> str:
    """The key without its leading vowel class: Arabic script does not say which vowel it is."""
    return key[1:] if key[:1] in VOWEL_CLASSES else key
