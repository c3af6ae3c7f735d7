"""Taking a name apart: relations (s/o, alias, r/o), titles, kunya, laqab and compounds.

A record from a police station reads "Maulana Abdul Rehman s/o Nazir Ahmed @ Lala r/o
Sahargarh". Only "Abdul Rehman" is the man's name: "Maulana" is a title, "Nazir Ahmed" is
his father, "Lala" an alias and "Sahargarh" where he lives. Each goes to its own field,
so that screening compares names with names and fathers with fathers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from dastavez.model.types.name import fold
from dastavez.resolve.names.normalise import Word
from dastavez.resolve.names.tables import families, particles, titles

NAME, KUNYA, LAQAB = "name", "kunya", "laqab"
# "Sa'id", "Saʿīd": an apostrophe inside a word marks a letter (ain, hamza), not a break.
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['’ʼʻʿʾ`´](?=\w)")


@dataclass(frozen=True, slots=True)
class Segments:
    """The folded words of each part of a raw name string."""

    name: tuple[str, ...]
    patronym: tuple[str, ...] = ()
    spouse: tuple[str, ...] = ()
    residence: tuple[str, ...] = ()
    aliases: tuple[tuple[str, ...], ...] = ()


@cache
def _symbol_pattern() -> re.Pattern[str]:
    """Markers with punctuation ("s/o", "@"), found before folding turns them into words."""
    alternatives = []
    for marker in sorted(particles().symbol_markers, key=len, reverse=True):
        body = r"\s*".join(re.escape(char) for char in marker if not char.isspace())
        before = r"(?<!\w)" if marker[0].isalnum() else ""
        after = r"(?!\w)" if marker[-1].isalnum() else ""
        alternatives.append(f"{before}{body}{after}")
    return re.compile("|".join(alternatives))


def _split_words(words: list[str], part: str, out: list[tuple[str, list[str]]]) -> None:
    """Split one run of folded words at word markers ("son of", "bin", "ولد")."""
    markers = particles().word_markers
    current: list[str] = []
    i = 0
    while i < len(words):
        found = next(((n, markers[key]) for n in (2, 1) if (key := tuple(words[i:i + n])) in markers), None)
        at_start = not current and not out
        if found is None or at_start or i == len(words) - found[0]:
            current.append(words[i])
            i += 1
            continue
        out.append((part, current))
        part, current = found[1], []
        i += found[0]
    out.append((part, current))


def split_segments(original: str) -> Segments:
    """The name and its relations, each as folded words; a later alias or patronym is kept
    only in its first occurrence (grandfathers are not compared)."""
    text = _INNER_APOSTROPHE.sub("", original.casefold())
    runs: list[tuple[str, list[str]]] = []
    part, start = NAME, 0
    for match in _symbol_pattern().finditer(text):
        if match.start() == 0:  # nothing before it: a stray mark, not a relation
            start = match.end()
            continue
        _split_words(fold(text[start:match.start()]).split(), part, runs)
        part, start = particles().symbol_markers[re.sub(r"\s", "", match.group(0))], match.end()
    _split_words(fold(text[start:]).split(), part, runs)
    found: dict[str, tuple[str, ...]] = {}
    aliases: list[tuple[str, ...]] = []
    for kind, words in runs:
        if kind == "alias" and words:
            aliases.append(tuple(words))
        elif words:
            found.setdefault(kind, tuple(words))
    return Segments(found.get(NAME, ()), found.get("patronym", ()), found.get("spouse", ()),
                    found.get("residence", ()), tuple(aliases))


def _titles_at_start(words: Sequence[Word], table: dict[tuple[str, ...], str]) -> tuple[list[str], int]:
    """The titles that open ``words`` (canonical forms), and how many words they take."""
    found: list[str] = []
    taken = 0
    while taken < len(words):
        for n in (2, 1):
            chunk = words[taken:taken + n]
            keys = (tuple(w.native for w in chunk), tuple(w.latin for w in chunk))
            title = next((table[key] for key in keys if len(chunk) == n and key in table), None)
            if title is not None:
                found.append(title)
                taken += n
                break
        else:
            return found, taken
    return found, taken


def set_titles_aside(words: Sequence[Word]) -> tuple[tuple[str, ...], tuple[Word, ...]]:
    """(titles, the other words): leading titles from the start, trailing ones from the end.

    A name made only of titles ("Qari Sahib", a nom de guerre) is left as it is."""
    table = titles()
    leading, start = _titles_at_start(words, table.leading)
    # Trailing titles are read from the end: reverse the words and the table's keys alike.
    trailing_table = {key[::-1]: title for key, title in table.trailing.items()}
    trailing, taken = _titles_at_start(list(words[start:])[::-1], trailing_table)
    rest = tuple(words[start:len(words) - taken])
    if not rest:
        return (), tuple(words)
    return (*leading, *trailing), rest


def _canonical(latin: str | None) -> str | None:
    family = families().get(latin) if latin is not None else None
    return family.canonical if family is not None else latin


def _is_article(word: str, following: str | None) -> bool:
    table = particles()
    if following is None:
        return False
    if word in table.articles:
        return True
    # ad-Din, ar-Rahman, ash-Shami: the l of "al" written as the next word's first letter
    return word in table.assimilated_articles and following.startswith(word[1:])


def assign_roles(words: Sequence[Word]) -> list[tuple[Word, str]]:
    """Each word that identifies, with its role; articles and connectors are dropped."""
    table = particles()
    out: list[tuple[Word, str]] = []
    role_of_next = NAME
    for i, word in enumerate(words):
        following = words[i + 1].latin if i + 1 < len(words) else None
        previous = out[-1][0].latin if out else None
        if word.latin in table.connectors and previous is not None and following is not None:
            continue
        if _is_article(word.latin, following):
            # "Abd al-Rahman" and "Nur al-Din" are compound names; "al-Fulani" is a laqab.
            joins = _canonical(previous) == "abd" or _canonical(following) in table.compound_tails
            if role_of_next != KUNYA:
                role_of_next = NAME if joins else LAQAB
            continue
        if _canonical(word.latin) in table.kunya_prefixes and following is not None and role_of_next == NAME:
            out.append((word, KUNYA))
            role_of_next = KUNYA
            continue
        out.append((word, role_of_next))
        role_of_next = NAME
    return out
