"""The exported list: a CSV, and a PDF whose text shows every page's marking, the time it was
made, the ledger checkpoint, each statement's exhibit, and the Urdu names."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import UTC, datetime

import pytest
from cases_world import TODAY, URDU_LEADER, build_world
from pypdf import PdfReader

from dastavez.cases import list_pdf
from dastavez.cases.leaders import ListFilters
from dastavez.cases.list_export import export_list
from dastavez.cases.list_versions import decide, draft_version
from dastavez.exc import ConfigurationError
from dastavez.ledger import checkpoints

MADE = datetime(2026, 6, 15, 10, 30, tzinfo=UTC)


@pytest.fixture
def world(db, make_actor):
    return build_world(
        db,
        make_actor("supervisor", clearances=["ALPHA"], username="builder"),
        make_actor("supervisor", username="reviewer"),
    )


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def visual(urdu: str) -> str:
    """pypdf returns right-to-left words in the order they stand on the page, left to right."""
    return " ".join(reversed(urdu.split()))


def test_the_pdf_of_an_approved_version(db, settings, make_actor, world):
    author, approver = (
        make_actor("supervisor", clearances=["ALPHA"]),
        make_actor("supervisor", clearances=["ALPHA"]),
    )
    with db.write() as session:
        version = draft_version(session, author, today=TODAY).id
    with db.write() as session:
        decide(session, approver, version_id=version, decision="approved")
    with db.write() as session:
        export = export_list(
            session, approver, settings, fmt="pdf", today=TODAY, version_id=version, now=MADE
        )
    with db.read() as session:
        checkpoint = checkpoints.latest(session)
    assert checkpoint is not None
    root = base64.b64encode(checkpoint.root).decode("ascii")
    pages = _pages(export.content)
    text = "\n".join(pages)
    assert export.filename == f"leaders-v{version}.pdf" and export.people == 4
    for page in pages:  # every page: marking, when it was made, the checkpoint
        assert "RESTRICTED · COMPARTMENTS ALPHA" in page
        assert "Made 2026-06-15 10:30 UTC" in page
        assert f"Ledger checkpoint: size {checkpoint.size}, root {root}" in page
    assert f"Version {version}, approved" in text and f"approved by {approver.username}" in text
    assert visual(URDU_LEADER) in text, "the Urdu name is not in the PDF's text"
    assert "Leader of Dast-e-Kohsang (claim CLM-" in text and f"[{world.good}]" in text
    assert "Warrant (non-bailable) NBW 3/2026" in text
    assert "not counted: failed" in text and "not counted: integrity-broken" in text
    assert "[unsupported: no exhibit]" in text  # the facilitator whose claims cite nothing


def test_every_statement_in_the_pdf_cites_an_exhibit_or_says_why_not(db, settings, world, make_actor):
    reader = make_actor("analyst")
    with db.write() as session:
        export = export_list(session, reader, settings, fmt="pdf", today=TODAY, now=MADE)
    text = "\n".join(_pages(export.content))
    assert "NOT APPROVED, NOT FOR ISSUE" in text and "RESTRICTED · NO COMPARTMENT" in text
    # a statement may wrap onto the next line: cut the text at bullets, headings and scores instead
    parts = re.split(r"\n(?=• |\d+\. |Documentation score|RESTRICTED)", text)
    statements = [part.replace("\n", " ") for part in parts if part.startswith("• ")]
    assert len(statements) > 10
    for line in statements:
        assert (
            "[EXH-" in line
            or "[unsupported: no exhibit]" in line
            or "[case record" in line
            or "[registry]" in line
            or "MISSING" in line
        ), line


def test_the_csv_has_a_row_per_person_with_the_evidence(db, settings, world, make_actor):
    with db.write() as session:
        export = export_list(
            session,
            make_actor("analyst"),
            settings,
            fmt="csv",
            today=TODAY,
            filters=ListFilters(role="leader"),
        )
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [(r["entity"], r["name_ur"], r["abroad"], r["score"], r["missing"]) for r in rows] == [
        (world.leader, URDU_LEADER, "yes", "100", "")
    ]
    assert "identity: CLM-" in rows[0]["evidence"] and world.good in rows[0]["evidence"]


def test_a_missing_urdu_font_fails_with_a_clear_message(monkeypatch, tmp_path):
    list_pdf.font_dir.cache_clear()
    monkeypatch.setattr(list_pdf, "FONT_DIRS", (tmp_path,))
    try:
        with pytest.raises(ConfigurationError, match="fonts-noto-core"):
            list_pdf.font_dir()
    finally:
        list_pdf.font_dir.cache_clear()
