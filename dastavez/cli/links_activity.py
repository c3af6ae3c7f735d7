"""Link commands about activity and exports: ``dastavez links timeline|incidents|colocation|imei|export``."""

from __future__ import annotations

import hashlib
import os
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from dastavez.cli.context import emit, fields, state, table
from dastavez.comms.choices import FORMATS, METHODS, check_format
from dastavez.exc import InvalidInput

Nodes = Annotated[list[str] | None, typer.Option("--node", help="A number (E.164) or person id; repeatable.")]
Datasets = Annotated[
    list[str] | None, typer.Option("--dataset", help="Only this dataset (CDR-…); repeatable.")
]
Since = Annotated[str | None, typer.Option(help="Calls from this date or ISO time (UTC unless offset).")]
Until = Annotated[str | None, typer.Option(help="Calls up to this date (included) or ISO time.")]


def _window(since: str | None, until: str | None, zone: str = "UTC") -> dict[str, Any]:
    """Dates as days in ``zone`` (the timeline's zone; UTC elsewhere)."""
    from dastavez.comms.activity_params import parse_bound
    return {
        "since": parse_bound(since, "since", end=False, zone=zone),
        "until": parse_bound(until, "until", end=True, zone=zone),
    }


def links_timeline(
    node: Nodes = None,
    dataset: Datasets = None,
    since: Since = None,
    until: Until = None,
    tz: Annotated[str, typer.Option(help="Count days in this IANA zone (e.g. Asia/Karachi).")] = "UTC",
) -> None:
    """Calls, SMS, seconds and distinct pairs per day (quiet days as zeros)."""
    from dastavez.comms.timeline import daily_timeline
    st = state()
    data = daily_timeline(
        st.db,
        st.actor(),
        st.settings,
        nodes=node,
        datasets=dataset,
        time_zone=tz,
        **_window(since, until, tz),
    )
    emit(
        data,
        lambda d: table(
            f"Timeline ({d['time_zone']} days)",
            ["day", "calls", "sms", "seconds", "pairs"],
            [(x["day"], x["calls"], x["sms"], x["duration_s"], x["pairs"]) for x in d["days"]],
        ),
    )


def links_incidents(
    incident: Annotated[
        list[str] | None, typer.Option("--incident", help="Only this incident; repeatable.")
    ] = None,
    node: Nodes = None,
    org: Annotated[
        list[str] | None, typer.Option("--org", help="Members of this organisation; repeatable.")
    ] = None,
    dataset: Datasets = None,
    window_days: Annotated[int, typer.Option(help="Days before each incident.")] = 7,
    baseline_weeks: Annotated[int, typer.Option(help="Weeks before the window, for the usual level.")] = 8,
    method: Annotated[
        str, typer.Option(help=" or ".join(METHODS) + " (z-score of the whole activity).")
    ] = "poisson",
    min_contacts: Annotated[int, typer.Option(help="A burst has at least this many contacts.")] = 5,
    min_ratio: Annotated[float, typer.Option(help="A burst is at least this many times the usual.")] = 2.0,
    z_threshold: Annotated[float, typer.Option(help="A burst's z-score is at least this.")] = 3.0,
    top_pairs: Annotated[int, typer.Option(help="Show this many risen pairs per incident.")] = 10,
) -> None:
    """Activity in the days before each incident against the usual level; bursts found."""
    from dastavez.comms.incident_activity import incident_activity
    st = state()
    data = incident_activity(
        st.db,
        st.actor(),
        st.settings,
        incidents=incident,
        nodes=node,
        organizations=org,
        datasets=dataset,
        window_days=window_days,
        baseline_weeks=baseline_weeks,
        method=method,
        min_contacts=min_contacts,
        min_ratio=min_ratio,
        z_threshold=z_threshold,
        top_pairs=top_pairs,
    )
    emit(
        data,
        lambda d: table(
            f"Incidents ({d['window_days']} days against {d['baseline_weeks']} weeks)",
            ["incident", "at", "window", "expected", "ratio", "z", "burst", "top pair"],
            [
                (
                    i["incident"],
                    i["occurred_at"][:16],
                    i["window_contacts"],
                    i["expected"],
                    i["ratio"],
                    i["z"],
                    "yes" if i["burst"] or i["bursting_pairs"] else "",
                    " – ".join(i["rising_pairs"][0]["nodes"]) if i["rising_pairs"] else "",
                )
                for i in d["incidents"]
            ],
        ),
    )


def links_colocation(
    node: Nodes = None,
    dataset: Datasets = None,
    since: Since = None,
    until: Until = None,
    bucket_minutes: Annotated[int, typer.Option(help="Length of a time bucket.")] = 15,
    min_times: Annotated[int, typer.Option(help="Meetings a pair needs to be listed.")] = 3,
    max_crowd: Annotated[int, typer.Option(help="Ignore a cell and bucket with more numbers.")] = 50,
    limit: Annotated[int, typer.Option(help="At most this many pairs.")] = 100,
) -> None:
    """Numbers seen at the same cell in the same time bucket, again and again."""
    from dastavez.comms.colocation import colocation
    st = state()
    data = colocation(
        st.db,
        st.actor(),
        st.settings,
        nodes=node,
        datasets=dataset,
        bucket_minutes=bucket_minutes,
        min_times=min_times,
        max_crowd=max_crowd,
        limit=limit,
        **_window(since, until),
    )
    emit(
        data,
        lambda d: table(
            f"Co-location ({d['bucket_minutes']}-minute buckets, at least {d['min_times']} times)",
            ["a", "b", "times", "cells", "first", "last"],
            [(*p["nodes"], p["times"], ", ".join(p["cells"]), p["first"], p["last"]) for p in d["pairs"]],
        ),
    )


def links_imei(
    node: Nodes = None,
    dataset: Datasets = None,
    since: Since = None,
    until: Until = None,
    min_sims: Annotated[int, typer.Option(help="SIMs (or handsets) needed to be listed.")] = 2,
) -> None:
    """Handsets used with several SIMs, and numbers moved between handsets."""
    from dastavez.comms.imei import handsets
    st = state()
    data = handsets(
        st.db,
        st.actor(),
        st.settings,
        nodes=node,
        datasets=dataset,
        min_sims=min_sims,
        **_window(since, until),
    )

    def render(d: dict[str, Any]) -> None:
        table(
            "Handsets with several SIMs",
            ["imei", "imsi", "number", "first", "last", "rows"],
            [
                (h["imei"], s["imsi"] or "", s["number"], s["first"], s["last"], s["rows"])
                for h in d["handsets"]
                for s in h["sims"]
            ],
        )
        table(
            "Numbers in several handsets",
            ["number", "imei", "first", "last", "rows"],
            [
                (n["number"], h["imei"], h["first"], h["last"], h["rows"])
                for n in d["numbers"]
                for h in n["handsets"]
            ],
        )

    emit(data, render)


def _target(out: Path) -> None:
    if out.is_dir():
        raise InvalidInput(f"{str(out)!r} is a folder; give a file name", field="out")
    if not out.parent.is_dir():
        raise InvalidInput(f"no folder {str(out.parent)!r} to write into", field="out")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def links_export(
    fmt: Annotated[str, typer.Option("--format", help=", ".join(FORMATS) + ".")],
    out: Annotated[
        Path,
        typer.Option(
            help="File to write; replaced if it exists. With csv, the nodes go beside it as <name>.nodes.csv."
        ),
    ],
    level: Annotated[
        str, typer.Option(help="person (numbers contracted by attribution) or number.")
    ] = "person",
    dataset: Datasets = None,
    since: Since = None,
    until: Until = None,
) -> None:
    """Export the link graph (GraphML, GEXF for Gephi, CSV) or its calls (FtM Call entities)."""
    from dastavez.comms.exports import export_links
    st = state()
    check_format(fmt)
    _target(out)
    outputs = {"file": out}
    if fmt == "csv":
        outputs["nodes_file"] = out.with_name(out.name.removesuffix(".csv") + ".nodes.csv")
    partials = {key: path.with_name(path.name + ".partial") for key, path in outputs.items()}
    actor = st.actor()
    try:
        with ExitStack() as stack:
            streams: dict[str, IO[bytes]] = {
                key: stack.enter_context(path.open("wb")) for key, path in partials.items()
            }
            data = export_links(
                st.db,
                actor,
                st.settings,
                fmt=fmt,
                out=streams["file"],
                nodes_out=streams.get("nodes_file"),
                level=level,
                datasets=dataset,
                destination=f"file {out.name}",
                **_window(since, until),
            )
        for key, path in outputs.items():
            os.replace(partials[key], path)
    except OSError as err:
        raise InvalidInput(f"cannot write {str(out)!r}: {err.strerror}", field="out") from None
    finally:
        for partial in partials.values():
            partial.unlink(missing_ok=True)
    data |= {key: str(path) for key, path in outputs.items()}
    data["sha256"] = _sha256(out)
    emit(
        data,
        lambda d: fields(
            [
                (k, d[k])
                for k in ("file", "format", "level", "nodes", "edges", "calls", "sha256")
                if d.get(k) is not None
            ]
        ),
    )


def attach(links_app: typer.Typer) -> None:
    """Add these commands to the ``links`` group."""
    links_app.command("timeline")(links_timeline)
    links_app.command("incidents")(links_incidents)
    links_app.command("colocation")(links_colocation)
    links_app.command("imei")(links_imei)
    links_app.command("export")(links_export)
