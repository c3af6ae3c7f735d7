"""The record a linkage model compares: one row of features per person.

The same row shape is built from the registry (``dedupe_export``), from the FEBRL files
(``dedupe_eval``) and from the benchmark's synthetic persons, so one model runs on all
three. Names are taken apart by ``resolve.names.analyse_name``: words become their spelling
family's representative (*Mohd.* and *محمد* both *muhammad*) and get phonetic keys, so the
string comparisons of the model see spellings that already agree where the name tables know
they do. A feature missing from a record is null, and the model says nothing about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyarrow as pa

from dastavez.model.types.name import fold
from dastavez.resolve.facts import alnum
from dastavez.resolve.names import NamePart, analyse_name

#: The columns of a record; ``dedupe_model`` compares the ones a data set fills.
RECORD_SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("given_name", pa.string()),  # the telling canonical words before the family name
        ("surname", pa.string()),  # the last canonical word of a name of two words or more
        ("given_key", pa.string()),  # key of the most telling given word (for blocking)
        ("given_sound", pa.string()),  # keys of all the compared given words (for comparing)
        ("surname_key", pa.string()),
        ("dob", pa.string()),  # YYYY-MM-DD; partial dates give only dob_year
        ("dob_year", pa.string()),
        ("father_name", pa.string()),
        ("identifiers", pa.list_(pa.string())),  # ID card and passport numbers, letters and digits only
        ("phones", pa.list_(pa.string())),  # E.164
        ("address", pa.string()),
        ("locality", pa.string()),  # place of birth, suburb, town
        ("postcode", pa.string()),
        ("country", pa.string()),  # residence, nationality, or a state
    ]
)
COLUMNS = tuple(RECORD_SCHEMA.names)
#: given words weighing less than this (``families.yaml``: Muhammad 0.2, Abdul 0.15, Ghulam 0.4)
#: are left out of the compared given name, as they are out of the screening's blocking keys
TELLING_WEIGHT = 0.5


@dataclass(frozen=True)
class NameFeatures:
    given_name: str | None
    surname: str | None
    given_key: str | None
    given_sound: str | None
    surname_key: str | None
    father_name: str | None


def _key(part: NamePart) -> str:
    """A word's phonetic key, or its spelling family for a listed word: *Hasan* and *Hussain*
    share a phonetic key but are two names (``families.yaml`` keeps them apart), while every
    spelling of one family (*Mohd.*, *محمد*) shares the family."""
    return f"={part.family}" if part.family else part.key


def _telling(parts: Iterable[NamePart]) -> NamePart | None:
    """The given word that tells most (rarest first, then the longer key): *Akram* of *Muhammad Akram*."""
    ranked = sorted(parts, key=lambda p: (-p.weight, -len(p.key)))
    return ranked[0] if ranked else None


def _telling_words(parts: list[NamePart]) -> list[NamePart]:
    """The given words that tell people apart: *Muhammad Akram* is compared as *akram*, since
    records drop or keep *Muhammad*, *Abdul*, *Ghulam* at will and a string metric over the
    whole would find every *Muhammad …* alike. A name of common words only keeps them all."""
    return [p for p in parts if p.weight >= TELLING_WEIGHT] or parts


# Common names recur (a registry holds many a Muhammad Akram Khan): a run keeps its own cache of
# features rather than lean on analyse_name's, which screening queries share.
@lru_cache(maxsize=1 << 16)
def name_features(name: str) -> NameFeatures | None:
    """Given name, family name, their keys and the father's name of one full name.

    The last word of a name of two or more words is taken as the family name; a single word
    is a given name (*Akram* against *Akram Baloch* agrees on the given name and says
    nothing about the family name). Titles are set aside; a kunya or laqab counts as a word.
    """
    analysis = analyse_name(name)
    parts = list(analysis.parts)
    if not parts:
        return None
    surname = parts[-1] if len(parts) > 1 else None
    given = parts[:-1] if surname else parts
    telling = _telling(given)
    compared = _telling_words(given)
    father = " ".join(p.canonical for p in analysis.patronym_parts) or None
    return NameFeatures(
        given_name=" ".join(p.canonical for p in compared) or None,
        surname=surname.canonical if surname else None,
        given_key=_key(telling) if telling else None,
        given_sound=" ".join(map(_key, compared)) or None,
        surname_key=_key(surname) if surname else None,
        father_name=father,
    )


def split_name_features(given: str | None, surname: str | None) -> NameFeatures:
    """The same features from a given name and a family name recorded apart (FEBRL, forms)."""
    given_parts = list(analyse_name(given).parts) if given else []
    surname_parts = list(analyse_name(surname).parts) if surname else []
    telling = _telling(given_parts)
    return NameFeatures(
        given_name=" ".join(p.canonical for p in given_parts) or None,
        surname=" ".join(p.canonical for p in surname_parts) or None,
        given_key=_key(telling) if telling else None,
        given_sound=" ".join(map(_key, given_parts)) or None,
        surname_key=_key(surname_parts[-1]) if surname_parts else None,
        father_name=None,
    )


@lru_cache(maxsize=1 << 16)
def father_features(name: str) -> str | None:
    return " ".join(p.canonical for p in analyse_name(name).parts) or None


def _place(value: str) -> str | None:
    return " ".join(fold(value).split()) or None


@dataclass
class RecordBuilder:
    """Features of one person, gathered claim by claim in the order they were made.

    The first ``name`` (else the first other name) is the person's name for comparison, as
    for the caption; the father's name is the first ``fatherName`` claim, else the patronym
    of that name (*… s/o Nazir Ahmed*). Other names are not compared: the model compares
    one name per person.
    """

    unique_id: str
    names: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    fathers: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    localities: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)

    def add(self, prop: str, value: str, normalised: str) -> None:
        """One live claim: ``value`` as written, ``normalised`` as the property type cleaned it."""
        if prop in NAME_PROPS:
            (self.names if prop == "name" else self.aliases).append(value)
        elif prop == "fatherName":
            self.fathers.append(value)
        elif prop == "birthDate":
            self.birth_dates.append(normalised)
        elif prop in ("idNumber", "passportNumber"):
            self.identifiers.append(alnum(normalised))
        elif prop == "phone":
            self.phones.append(normalised)
        elif prop == "address":
            self.addresses.append(value)
        elif prop == "birthPlace":
            self.localities.append(value)
        elif prop in ("residence", "nationality", "country"):
            self.countries.append(normalised.lower())

    def build(self) -> dict[str, Any]:
        features = next(filter(None, map(name_features, [*self.names, *self.aliases])), None)
        father = next(filter(None, map(father_features, self.fathers)), None)
        father = father or (features.father_name if features else None)
        dob = next((d for d in self.birth_dates if len(d) == 10), None)
        year = dob[:4] if dob else next((d[:4] for d in self.birth_dates if d[:4].isdigit()), None)
        return {
            "unique_id": self.unique_id,
            "given_name": features.given_name if features else None,
            "surname": features.surname if features else None,
            "given_key": features.given_key if features else None,
            "given_sound": features.given_sound if features else None,
            "surname_key": features.surname_key if features else None,
            "dob": dob,
            "dob_year": year,
            "father_name": father,
            "identifiers": sorted(set(filter(None, self.identifiers))) or None,
            "phones": sorted(set(filter(None, self.phones))) or None,
            "address": next(filter(None, map(_place, self.addresses)), None),
            "locality": next(filter(None, map(_place, self.localities)), None),
            "postcode": None,
            "country": sorted(self.countries)[0] if self.countries else None,
        }


#: Name properties: ``name`` first, then the others in the order they were claimed.
NAME_PROPS = frozenset({"name", "alias", "previousName"})
#: Every property a record draws on (the registry export reads only these claims).
FEATURE_PROPS = (
    *sorted(NAME_PROPS),
    "fatherName",
    "birthDate",
    "idNumber",
    "passportNumber",
    "phone",
    "address",
    "birthPlace",
    "residence",
    "nationality",
    "country",
)


def records_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows of ``RecordBuilder.build`` (or the same keys) as an Arrow table of ``RECORD_SCHEMA``."""
    return pa.Table.from_pylist(rows, schema=RECORD_SCHEMA)
