"""The linkage model: Splink 5 on an in-memory DuckDB over a table of person records.

``link_records(records)`` takes an Arrow table of ``dedupe_features.RECORD_SCHEMA`` (from
the registry, FEBRL, or the benchmark) and returns the scored candidate pairs. The
relational database never sees the model: the records are copied into a private in-memory
DuckDB connection, closed when the run ends.

What is compared and which pairs are: ``dedupe_comparisons``. The parameters: the prior
probability of a match from deterministic rules (same name keys and date of birth, or an
identifier in common; assumed to find 70 % of duplicates), u by random sampling of pairs
(seeded), m by expectation maximisation over two blocked samples (same date of birth; same
name keys). A data set of fewer than ``MIN_RECORDS_TO_TRAIN`` records is too small to learn
from: the priors of ``dedupe_comparisons`` are used as they are, and the prior probability
of a match assumes one person in twenty has a duplicate.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from dastavez.resolve.dedupe_comparisons import DESCRIPTIONS, blocking_rules, comparisons
from dastavez.resolve.dedupe_defaults import DEFAULT_THRESHOLD, SEED
from dastavez.resolve.dedupe_features import COLUMNS

MIN_RECORDS_TO_TRAIN = 1_000
#: share of persons assumed to have a duplicate when the data set is too small to estimate it
PRIOR_DUPLICATE_SHARE = 0.05
U_MAX_PAIRS = 1e6
#: fewer blocked pairs than these and EM (m) or the deterministic estimate of λ is not attempted
MIN_EM_PAIRS = 200
MIN_DETERMINISTIC_PAIRS = 10
#: The two EM samples, each the first of its choices with enough pairs. The first (same date of
#: birth) estimates m for everything but the date; the second, m for the date of birth, from pairs
#: that share a number (nearly all one person), else both name keys. Pairs that share only
#: names are mostly namesakes: EM on them alone can settle on "namesakes" as its second class.
EM_BLOCKS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("dob",),),
    (("identifiers",), ("phones",), ("given_key", "surname_key")),
)
#: a column is compared when at least this share of records fill it (and two records do)
MIN_FILL = 0.01

#: Splink warns about levels a training sample did not observe; the run's result says enough.
logging.getLogger("splink").setLevel(logging.ERROR)


def filled_columns(con: duckdb.DuckDBPyConnection, table: str, rows: int) -> set[str]:
    """The columns enough records fill to be worth a comparison."""
    counts = con.sql(
        "SELECT " + ", ".join(f'count("{c}") AS "{c}"' for c in COLUMNS if c != "unique_id")  # noqa: S608  # fixed names
        + f" FROM {table}"
    ).fetchall()[0]
    names = [c for c in COLUMNS if c != "unique_id"]
    return {name for name, count in zip(names, counts, strict=True)
            if count >= 2 and count >= MIN_FILL * rows}


@dataclass
class LinkResult:
    """Scored pairs (``left`` < ``right``) and what the explanation needs of the model."""

    #: left, right, weight, probability, then per comparison gamma_<column> (its level) and
    #: mw_<column> (its match weight; mw_tf_adj_<column> adds the term-frequency adjustment)
    pairs: pa.Table
    comparisons: list[dict[str, Any]]  # column, description, level labels by gamma value
    prior_weight: float
    trained: bool
    records: int
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # training steps the data did not allow

    def pair_ids(self) -> list[tuple[str, str]]:
        return list(zip(self.pairs.column("left").to_pylist(), self.pairs.column("right").to_pylist(),
                        strict=True))


def link_records(
    records: pa.Table, *, threshold: float = DEFAULT_THRESHOLD, seed: int = SEED, train: bool | None = None
) -> LinkResult:
    """Score the candidate pairs of ``records`` (``RECORD_SCHEMA``) at or above ``threshold``."""
    started = time.perf_counter()
    rows = records.num_rows
    con = duckdb.connect(":memory:")
    con.sql("SET enable_progress_bar = false")  # no progress bars on a command's stderr
    try:
        con.register("dz_input", records)
        con.sql("CREATE TABLE dz_records AS SELECT * FROM dz_input")
        con.unregister("dz_input")
        filled = filled_columns(con, "dz_records", rows)
        model_comparisons = comparisons(filled)
        if rows < 2 or not model_comparisons:
            return _empty(rows, trained=False)
        should_train = rows >= MIN_RECORDS_TO_TRAIN if train is None else train
        prior = min(0.5, PRIOR_DUPLICATE_SHARE * 2 / max(rows - 1, 1))
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=model_comparisons,
            blocking_rules_to_generate_predictions=blocking_rules(filled),
            probability_two_random_records_match=prior,
            retain_intermediate_calculation_columns=True,
            retain_matching_columns=True,  # Splink keeps the level (gamma_) columns only with them
        )
        api = DuckDBAPI(con)
        linker = Linker(api.register("dz_records"), settings, log_level=None)
        seconds = {"load": time.perf_counter() - started}
        notes: list[str] = []
        if should_train:
            trained_seconds, notes = _train(linker, con, filled, seed=seed)
            seconds |= trained_seconds
        mark = time.perf_counter()
        predicted = linker.inference.predict(threshold_match_weight=threshold, warning_mode="never")
        pairs = _pairs(con, predicted.physical_name)
        seconds["predict"] = time.perf_counter() - mark
        model = linker.misc.save_model_to_json()
        return LinkResult(
            pairs=pairs,
            comparisons=[_describe(c) for c in model["comparisons"]],
            prior_weight=_log2_odds(float(model["probability_two_random_records_match"])),
            trained=should_train,
            records=rows,
            seconds=seconds,
            notes=notes,
        )
    finally:
        con.close()


def _block_pairs(con: duckdb.DuckDBPyConnection, columns: tuple[str, ...]) -> int:
    """How many pairs agree on all of ``columns`` (a list column counts as one value)."""
    keys = ", ".join(f'"{c}"' for c in columns)
    filled = " AND ".join(f'"{c}" IS NOT NULL' for c in columns)
    rows = con.sql(f"SELECT sum(n * (n - 1) // 2) FROM (SELECT count(*) AS n FROM dz_records "  # noqa: S608  # fixed names
                   f"WHERE {filled} GROUP BY {keys})").fetchall()
    return int(rows[0][0] or 0)


def _train(linker: Linker, con: duckdb.DuckDBPyConnection, filled: set[str], *,
           seed: int) -> tuple[dict[str, float], list[str]]:
    """Fit λ, u and m where the data allows; returns the seconds each took and what was skipped."""
    seconds: dict[str, float] = {}
    notes: list[str] = []
    mark = time.perf_counter()
    deterministic = [r for r in (("surname_key", "given_key", "dob"), ("identifiers",)) if set(r) <= filled]
    if sum(_block_pairs(con, r) for r in deterministic) >= MIN_DETERMINISTIC_PAIRS:
        rules: list[str | BlockingRuleCreator] = [block_on(*r) for r in deterministic]
        linker.training.estimate_probability_two_random_records_match(rules, recall=0.7)
    else:
        notes.append("too few sure matches to estimate the prior probability of a match: assumed")
    seconds["train_prior"] = time.perf_counter() - mark
    mark = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=seed)
    seconds["train_u"] = time.perf_counter() - mark
    mark = time.perf_counter()
    for choices in EM_BLOCKS:
        usable = [c for c in choices if set(c) <= filled and _block_pairs(con, c) >= MIN_EM_PAIRS]
        if usable:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*usable[0]), estimate_without_term_frequencies=True
            )
        else:
            tried = " or ".join(" and ".join(c) for c in choices)
            notes.append(f"too few pairs agree on {tried} to estimate m from them: priors kept")
    seconds["train_m"] = time.perf_counter() - mark
    return seconds, notes


def _pairs(con: duckdb.DuckDBPyConnection, table: str) -> pa.Table:
    columns = [row[0] for row in con.sql(f"DESCRIBE {table}").fetchall()]
    extra = [c for c in columns if c.startswith(("gamma_", "mw_"))]
    select = ", ".join(f'"{c}"' for c in extra)
    return con.sql(
        f"""SELECT least(unique_id_l, unique_id_r) AS "left", greatest(unique_id_l, unique_id_r) AS "right",
                   match_weight AS weight, match_probability AS probability{', ' + select if select else ''}
            FROM {table} ORDER BY weight DESC, "left", "right" """  # noqa: S608  # names from Splink
    ).to_arrow_table()


def _describe(comparison: dict[str, Any]) -> dict[str, Any]:
    levels = comparison["comparison_levels"]
    labelled = [level for level in levels if not level.get("is_null_level")]
    # Splink numbers the non-null levels from the last (ELSE, 0) up; the null level is -1.
    by_gamma = {len(labelled) - 1 - i: level.get("label_for_charts") or level["sql_condition"]
                for i, level in enumerate(labelled)}
    return {
        "column": comparison["output_column_name"],
        "description": DESCRIPTIONS.get(comparison["output_column_name"], comparison["output_column_name"]),
        "levels": by_gamma,
    }


def _log2_odds(probability: float) -> float:
    import math

    return math.log2(probability / (1 - probability))


def _empty(rows: int, *, trained: bool) -> LinkResult:
    schema = pa.schema([("left", pa.string()), ("right", pa.string()), ("weight", pa.float64()),
                        ("probability", pa.float64())])
    return LinkResult(pairs=schema.empty_table(), comparisons=[], prior_weight=0.0, trained=trained,
                      records=rows)
