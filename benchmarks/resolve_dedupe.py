"""Duplicate detection benchmark: the Splink model over 10^5 synthetic persons, and FEBRL 2.

    .venv/bin/python benchmarks/resolve_dedupe.py [--persons 100000] [--duplicates 0.1] [--seed 7]

1. ``measure_dedupe``: draws ``--persons`` fictional persons from the demo's name generator
   (``dastavez.demo.names``: common given and clan names, so namesakes abound), plants a second
   record for a share of them (re-spelled or Urdu-script name, the date of birth kept, cut to the
   year or mistyped, the ID card number and phone kept or dropped), then, timed: builds their
   model records with the registry's own feature code (``RecordBuilder``: name analysis
   included) and runs ``link_records``. Reported: wall time of each stage, the child process's
   peak RSS (interpreter included), and precision, recall and F1 against the planted pairs
   (two duplicates of one person are a true pair too). Drawing the persons is not timed.
2. The named baseline, measured in the same run on the same records: **duckdb-exact-key**, DuckDB
   reading the same table and pairing the records that agree exactly on given name, family name
   and date of birth (a self-join), with its time, peak RSS and precision/recall.
3. FEBRL 2 (``../shared/data/febrl2.csv``): precision, recall, F1 and time of the same model.

Each measured stage runs in a fresh child process, so each peak RSS is that stage's own.
The issue asks for time and memory only (no goal).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from dastavez.demo import names
from dastavez.resolve.dedupe_eval import febrl_truth, read_febrl, score_pairs
from dastavez.resolve.dedupe_features import RecordBuilder, records_table
from dastavez.resolve.dedupe_model import link_records

FEBRL2 = Path(__file__).resolve().parents[2] / "shared" / "data" / "febrl2.csv"
Claims = list[tuple[str, str, str]]  # (prop, value as written, normalised)


def _birth(rng: random.Random) -> date:
    return date(1955, 1, 1) + timedelta(days=rng.randrange(365 * 45))


def _original(rng: random.Random) -> Claims:
    person = names.person_name(rng)
    claims: Claims = [("name", person.latin, person.latin.lower())]
    if person.aliases and rng.random() < 0.3:
        claims.append(("alias", person.aliases[0], person.aliases[0].lower()))
    if rng.random() < 0.5:
        claims.append(("fatherName", person.father, person.father.lower()))
    draw = rng.random()
    born = _birth(rng).isoformat()
    if draw < 0.8:
        claims.append(("birthDate", born, born))
    elif draw < 0.9:
        claims.append(("birthDate", born[:4], born[:4]))
    if rng.random() < 0.6:
        number = names.cnic(rng, gender=person.gender)
        claims.append(("idNumber", number, number))
    if rng.random() < 0.5:
        phone = names.pk_mobile(rng)
        claims.append(("phone", phone, phone))
    if rng.random() < 0.4:
        place = rng.choice(names.DISTRICTS)[0]
        claims.append(("birthPlace", place, place.lower()))
    # kept for the duplicate: the Urdu form of the name
    claims.append(("_urdu", person.urdu, person.urdu))
    return claims


def _duplicate(rng: random.Random, original: Claims) -> Claims:
    """Another record of the same person, as a second source would write it."""
    name = next(value for prop, value, _ in original if prop == "name")
    urdu = next(value for prop, value, _ in original if prop == "_urdu")
    variants = names.spelling_variants(name, rng, 1)
    written = urdu if rng.random() < 0.3 or not variants else variants[0]
    claims: Claims = [("name", written, written.lower())]
    for prop, value, normalised in original:
        keep = {"fatherName": 0.5, "idNumber": 0.5, "phone": 0.5, "birthPlace": 0.5}.get(prop)
        if keep is not None and rng.random() < keep:
            claims.append((prop, value, normalised))
        elif prop == "birthDate":
            draw = rng.random()
            if draw < 0.7:
                claims.append((prop, value, normalised))
            elif draw < 0.85:
                claims.append((prop, value[:4], value[:4]))
            elif draw < 0.95 and len(value) == 10:  # a day mistyped
                day = (date.fromisoformat(value) + timedelta(days=rng.choice((-1, 1)))).isoformat()
                claims.append((prop, day, day))
    return claims


def synthetic_persons(
    n_persons: int, duplicate_share: float, seed: int
) -> tuple[list[tuple[str, Claims]], set[tuple[str, str]]]:
    """``n_persons`` records' claims (originals and planted duplicates) and the true pairs."""
    rng = random.Random(seed)
    duplicates = int(n_persons * duplicate_share)
    originals = [_original(rng) for _ in range(n_persons - duplicates)]
    persons = [(f"P{index:07d}", claims) for index, claims in enumerate(originals)]
    truth = set()
    for index in range(duplicates):
        source = rng.randrange(len(originals))
        persons.append((f"D{index:07d}", _duplicate(rng, originals[source])))
        truth.add((f"D{index:07d}", f"P{source:07d}"))  # "D…" < "P…"
    return persons, truth


def records_of(persons: list[tuple[str, Claims]]) -> pa.Table:
    """The model records, built by the registry export's own code (name analysis included)."""
    rows = []
    for record_id, claims in persons:
        builder = RecordBuilder(record_id)
        for prop, value, normalised in claims:
            if not prop.startswith("_"):
                builder.add(prop, value, normalised)
        rows.append(builder.build())
    return records_table(rows)


def synthetic_records(
    n_persons: int, duplicate_share: float, seed: int
) -> tuple[pa.Table, set[tuple[str, str]]]:
    persons, truth = synthetic_persons(n_persons, duplicate_share, seed)
    return records_of(persons), truth


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def _truth_closure(truth: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Two duplicates of one original are one person too."""
    by_original: dict[str, list[str]] = {}
    for dup, original in truth:
        by_original.setdefault(original, [original]).append(dup)
    return {(a, b) for members in by_original.values() for a in members for b in members if a < b}


def _model_stage(n_persons: int, duplicate_share: float, seed: int) -> dict[str, Any]:
    persons, truth = synthetic_persons(n_persons, duplicate_share, seed)
    started = time.perf_counter()
    records = records_of(persons)
    built = time.perf_counter() - started
    result = link_records(records)
    linked = time.perf_counter() - started - built
    scores = score_pairs(result.pair_ids(), _truth_closure(truth)).as_dict()
    return {"records": records.num_rows, "features_seconds": round(built, 2),
            "model_seconds": round(linked, 2), "total_seconds": round(built + linked, 2),
            "model_stages": {k: round(v, 2) for k, v in result.seconds.items()}, "trained": result.trained,
            "peak_rss_mb": _peak_rss_mb(), **scores}


def _baseline_stage(n_persons: int, duplicate_share: float, seed: int) -> dict[str, Any]:
    records, truth = synthetic_records(n_persons, duplicate_share, seed)
    started = time.perf_counter()
    con = duckdb.connect(":memory:")
    con.sql("SET enable_progress_bar = false")
    con.register("records", records)
    found = con.sql("""
        SELECT l.unique_id AS "left", r.unique_id AS "right" FROM records l JOIN records r
          ON l.given_name = r.given_name AND l.surname = r.surname AND l.dob = r.dob
         AND l.unique_id < r.unique_id
    """).fetchall()
    seconds = time.perf_counter() - started
    con.close()
    return {"seconds": round(seconds, 2), "peak_rss_mb": _peak_rss_mb(),
            **score_pairs(found, _truth_closure(truth)).as_dict()}


def _febrl_stage(path: str) -> dict[str, Any]:
    records = read_febrl(Path(path))
    started = time.perf_counter()
    result = link_records(records)
    seconds = time.perf_counter() - started
    return {"records": records.num_rows, "seconds": round(seconds, 2), "peak_rss_mb": _peak_rss_mb(),
            **score_pairs(result.pair_ids(), febrl_truth(records.column("unique_id").to_pylist())).as_dict()}


def _in_child(function: Any, *args: Any) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        result: dict[str, Any] = pool.submit(function, *args).result()
        return result


def measure_dedupe(n_persons: int = 100_000, *, duplicate_share: float = 0.1, seed: int = 7,
                   febrl: Path | None = FEBRL2) -> dict[str, Any]:
    """The figures of the module docstring, as one dict (and printed as JSON)."""
    figures: dict[str, Any] = {
        "persons": n_persons,
        "planted_duplicate_share": duplicate_share,
        "model": _in_child(_model_stage, n_persons, duplicate_share, seed),
        "baseline": {"name": "duckdb-exact-key"}
        | _in_child(_baseline_stage, n_persons, duplicate_share, seed),
    }
    if febrl is not None and febrl.is_file():
        figures["febrl2"] = _in_child(_febrl_stage, str(febrl))
    print(json.dumps(figures, indent=2))  # a benchmark prints its figures
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--duplicates", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    measure_dedupe(args.persons, duplicate_share=args.duplicates, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
