"""Screening against the UN Security Council Consolidated List (../shared/data)."""

from __future__ import annotations

import random
import re

from test_screening import run

from dastavez.resolve.lists import parse_un
from dastavez.resolve.reference import import_entries

# --- the UN list ------------------------------------------------------------------------------

RESPELL = [
    ("mohammed", "muhammad"),
    ("muhammad", "mohd"),
    ("abdul", "abdel"),
    ("ou", "u"),
    ("ee", "i"),
    ("aa", "a"),
    ("kh", "kh"),
]


def respell(name: str, rng: random.Random) -> str:
    """A different spelling of a Latin name, as another clerk would write it."""
    out = name.lower()
    for old, new in RESPELL:
        if old in out and rng.random() < 0.8:
            out = out.replace(old, new)
            break
    else:  # no family spelling to swap: double or drop a vowel in the longest word
        words = out.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        word = words[longest]
        vowel = next((i for i, ch in enumerate(word) if ch in "aeiou" and i > 0), None)
        if vowel is not None:
            words[longest] = word[:vowel] + word[vowel] + word[vowel:]
        out = " ".join(words)
    return out.title()


def test_the_un_list_imports_completely_and_updates_in_place(db, admin, shared_data):
    data = (shared_data / "un-consolidated-list.xml").read_bytes()
    parsed = parse_un(data)
    with db.write() as session:
        first = import_entries(session, admin, parsed.entries, list_id="un-sc", file_bytes=data)
    assert first["records"] == 730 + 273 and first["added"] == 1003
    assert (parsed.individual_count, parsed.entity_count) == (730, 273)
    dropped = parsed.entries[0]
    with db.write() as session:
        second = import_entries(session, admin, parsed.entries[1:], list_id="un-sc", file_bytes=data[:-1])
    assert (second["added"], second["updated"], second["delisted"]) == (0, 0, 1)
    assert all(
        r["entity"] != f"un-sc:{dropped.external_id}"
        for r in run(db, admin, dropped.caption, sources=("un-sc",))
    )


def test_screening_finds_each_listed_individual_by_a_respelled_alias(db, admin, shared_data):
    data = (shared_data / "un-consolidated-list.xml").read_bytes()
    parsed = parse_un(data)
    with db.write() as session:
        import_entries(session, admin, parsed.entries, list_id="un-sc", file_bytes=data)
    rng = random.Random(9162)
    missed = []
    individuals = [e for e in parsed.entries if e.schema == "Person"]
    assert len(individuals) == 730
    for entry in individuals:
        latin = [n for n in entry.names if re.fullmatch(r"[A-Za-z .'-]+", n) and len(n.split()) >= 2]
        # The fullest Latin name: a bare "Abu Ali" is the alias of many listed men and names none.
        fullest = max(latin, key=lambda n: len(n.split()), default=entry.caption)
        name = respell(fullest, rng)
        found = [r["entity"] for r in run(db, admin, name, sources=("un-sc",), limit=10)]
        if f"un-sc:{entry.external_id}" not in found:
            missed.append(name)
    assert not missed, f"{len(missed)} of 730 not found, e.g. {missed[:5]}"
