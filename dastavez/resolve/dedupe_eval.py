"""Judging the linkage model on data with known truth: the FEBRL files and planted duplicates.

FEBRL (the Freely Extensible Biomedical Record Linkage generator's data sets 1 and 2) names
its records ``rec-N-org`` and ``rec-N-dup-K``: records with the same N are one person. A
FEBRL row becomes an ordinary model record (``dedupe_features``), so the figures measure the
same model that runs on the registry.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from dastavez.resolve.dedupe_features import records_table, split_name_features

_FEBRL_ID = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")


def _iso_date(raw: str) -> str | None:
    """FEBRL writes YYYYMMDD; its corruptions can make impossible dates, which become null."""
    if len(raw) != 8 or not raw.isdigit():
        return None
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:])).isoformat()
    except ValueError:
        return None


def febrl_record(row: dict[str, str]) -> dict[str, Any]:
    names = split_name_features(row["given_name"] or None, row["surname"] or None)
    dob = _iso_date(row["date_of_birth"])
    address = " ".join(filter(None, (row["street_number"], row["address_1"], row["address_2"])))
    return {
        "unique_id": row["rec_id"],
        "given_name": names.given_name,
        "surname": names.surname,
        "given_key": names.given_key,
        "given_sound": names.given_sound,
        "surname_key": names.surname_key,
        "dob": dob,
        "dob_year": dob[:4] if dob else (row["date_of_birth"][:4] or None),
        "father_name": None,
        "identifiers": [row["soc_sec_id"]] if row["soc_sec_id"] else None,
        "phones": None,
        "address": address or None,
        "locality": row["suburb"] or None,
        "postcode": row["postcode"] or None,
        "country": row["state"] or None,
    }


def read_febrl(path: Path) -> pa.Table:
    """A FEBRL CSV (``rec_id, given_name, surname, …``, values padded with spaces) as records."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        header = [column.strip() for column in next(reader)]
        rows = [dict(zip(header, (value.strip() for value in line), strict=True)) for line in reader if line]
    return records_table([febrl_record(row) for row in rows])


def febrl_truth(ids: Iterable[str]) -> set[tuple[str, str]]:
    """Every pair of records of one person (``rec-N-…``), as (smaller id, larger id)."""
    people: dict[str, list[str]] = defaultdict(list)
    for record_id in ids:
        match = _FEBRL_ID.match(record_id)
        if match is None:
            raise ValueError(f"not a FEBRL record id: {record_id!r}")
        people[match.group(1)].append(record_id)
    return cluster_pairs(people.values())


def cluster_pairs(clusters: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    return {(a, b) for members in clusters for a, b in itertools.combinations(sorted(members), 2)}


@dataclass(frozen=True)
class Scores:
    predicted: int
    true: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true if self.true else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"predicted": self.predicted, "true": self.true, "true_positives": self.true_positives,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def score_pairs(predicted: Iterable[tuple[str, str]], truth: set[tuple[str, str]]) -> Scores:
    found = {(min(a, b), max(a, b)) for a, b in predicted}
    return Scores(predicted=len(found), true=len(truth), true_positives=len(found & truth))
