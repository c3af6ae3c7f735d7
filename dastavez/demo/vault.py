"""The demo's evidence vault: warrants, intercepted-call recordings, custody, verification.

Recordings are synthetic tones (no voices, no real calls), written as WAV files so the vault
reads their duration like any recording. The story: two interception warrants, three calls
recorded under them (one about a number the warrant does not cover, so it is flagged), a
transcript derived from the first, hand-overs to a forensic lab and back, one verification
confirmed by a second person and one waiting for review.
"""

from __future__ import annotations

import io
import math
import random
import struct
import wave
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from dastavez.demo.users import demo_actor
from dastavez.evidence import custody, verification
from dastavez.evidence.authority import add_authority
from dastavez.evidence.exhibits import visible_exhibit
from dastavez.evidence.media import read_media
from dastavez.evidence.vault import EvidenceInput, add_evidence, blob_store
from dastavez.settings import Settings
from dastavez.storage.engine import Database
from dastavez.storage.tables import Claim

LAB = "Forensic Science Laboratory, Provincial Police (fictional)"
BASIS = "Investigation for Fair Trial Act 2013, s.10"


def _tone(rng: random.Random, seconds: float) -> bytes:
    """A short synthetic 'call': two alternating tones at 8 kHz, mono, 16-bit."""
    rate, frames = 8000, int(8000 * seconds)
    low, high = rng.choice((350, 425, 480)), rng.choice((620, 700, 880))
    samples = (
        int(8000 * math.sin(2 * math.pi * (low if (i // 4000) % 2 else high) * i / rate))
        for i in range(frames)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return buffer.getvalue()


def _phones(db: Database, count: int) -> list[str]:
    with db.read() as session:
        rows = session.scalars(
            select(Claim.normalised)
            .where(Claim.prop == "phone", Claim.status != "retracted")
            .order_by(Claim.id)
            .limit(count)
        )
        return list(dict.fromkeys(rows))


def stage_evidence(
    db: Database, settings: Settings, *, seed: int, today: date | None = None
) -> dict[str, Any]:
    """Add the demo's warrants and recordings; returns what was made."""
    rng = random.Random(f"dastavez-demo-vault:{seed}")
    today = today or datetime.now(UTC).date()
    phones = _phones(db, 4) or ["+923001110001", "+923001110002", "+923001110003", "+923001110004"]
    store = blob_store(settings)
    with db.write() as session:
        supervisor = demo_actor(session, "supervisor")
        first = add_authority(
            session,
            supervisor,
            basis=BASIS,
            reference=f"IFTA/{today.year}/{rng.randint(100, 999)}",
            issued_by="Judge, Anti-Terrorism Court I (fictional)",
            applicant="Inspector, CTD",
            authorising_officer="Additional IG, CTD",
            issued_on=(today - timedelta(days=70)).isoformat(),
            valid_from=(today - timedelta(days=70)).isoformat(),
            valid_to=(today + timedelta(days=20)).isoformat(),
            targets=phones[:2],
            data_classes=["content", "call-records"],
            purpose="interception of calls",
            default_region=settings.default_region,
        )
        second = add_authority(
            session,
            supervisor,
            basis=BASIS,
            reference=f"IFTA/{today.year}/{rng.randint(100, 999)}",
            issued_by="Judge, Anti-Terrorism Court II (fictional)",
            valid_from=(today - timedelta(days=200)).isoformat(),
            valid_to=(today - timedelta(days=110)).isoformat(),
            targets=phones[2:3],
            data_classes=["content"],
            default_region=settings.default_region,
        )
        first_id, second_id = first.id, second.id
    recordings = []
    plans = [
        ("Intercepted call between two targets", first_id, phones[:2], 40),
        ("Intercepted call to a number outside the warrant", first_id, phones[3:4] or phones[:1], 25),
        ("Intercepted call under the expired warrant", second_id, phones[2:3], 30),
    ]
    for index, (title, authority, targets, days_ago) in enumerate(plans, start=1):
        content = _tone(rng, rng.uniform(3.0, 6.0))
        blob = store.put_stream(io.BytesIO(content))
        path = store.path_for(blob.sha256)
        data = EvidenceInput(
            title=title,
            kind="audio",
            authority=authority,
            targets=tuple(targets),
            collected_at=datetime.combine(today - timedelta(days=days_ago), datetime.min.time(), UTC)
            + timedelta(hours=16 + index),
            collected_by="Technical wing, CTD",
            collection_tool="lawful interception gateway",
            file_name=f"call-{index:02d}.wav",
        )
        with db.write() as session:
            custodian = demo_actor(session, "custodian")
            exhibit = add_evidence(
                session, custodian, data, blob=blob, media=read_media(path, kind="audio"), settings=settings
            )
            recordings.append(exhibit.id)
    with db.write() as session:
        custodian = demo_actor(session, "custodian")
        analyst = demo_actor(session, "analyst")
        supervisor = demo_actor(session, "supervisor")
        first_call = visible_exhibit(session, custodian, recordings[0])
        custody.record_event(session, custodian, first_call, action="sealed", seal_number="CTD-S-0412")
        custody.record_event(
            session,
            custodian,
            first_call,
            action="transferred",
            to_holder=LAB,
            purpose="voice comparison and authenticity examination",
        )
        custody.record_event(
            session,
            custodian,
            first_call,
            action="received",
            to_holder="custodian",
            place="Evidence store, CTD headquarters",
            purpose="back from the laboratory",
        )
        custody.record_event(session, custodian, first_call, action="unsealed", seal_number="CTD-S-0412")
        verification.record_verification(
            session,
            analyst,
            first_call,
            method="spectrogram and ENF analysis",
            result="passed",
            note="no edits found; continuous recording",
        )
        verification.review_verification(session, supervisor, first_call, decision="confirmed")
        second_call = visible_exhibit(session, custodian, recordings[1])
        verification.record_verification(
            session, analyst, second_call, method="metadata consistency check", result="passed"
        )
    transcript = "Transcript (fictional demo): two speakers arrange a meeting; no names are used.\n"
    blob = store.put_stream(io.BytesIO(transcript.encode("utf-8")))
    with db.write() as session:
        analyst = demo_actor(session, "analyst")
        derived = add_evidence(
            session,
            analyst,
            EvidenceInput(
                title="Transcript of the intercepted call",
                kind="document",
                origin="transcript",
                parent=recordings[0],
                file_name="call-01-transcript.txt",
            ),
            blob=blob,
            media={"format": "text"},
            settings=settings,
        )
        derived_id = derived.id
    return {"authorities": [first_id, second_id], "recordings": recordings, "transcript": derived_id}
