"""Media metadata: facts from generated fixtures, and no exception from anything hostile."""

from __future__ import annotations

import io
import json
import random
import struct
import wave
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational
from pypdf import PdfWriter

from dastavez.evidence.media import read_media

KINDS = (
    "audio",
    "video",
    "image",
    "document",
    "cdr",
    "subscriber-record",
    "statement",
    "forensic-report",
    "other",
)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def make_wav(path: Path, *, frames: int = 12_000, rate: int = 8000, channels: int = 2) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x01\x00" * channels * frames)
    return path


def make_mp3(path: Path, *, frames: int = 50) -> Path:
    """MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz, stereo: a 4-byte header and 413 bytes of silence."""
    path.write_bytes((b"\xff\xfb\x90\x00" + bytes(413)) * frames)
    return path


def make_mp4(path: Path, *, timescale: int = 600, seconds: int = 75) -> Path:
    """A video-only MP4 skeleton: ftyp, and a moov with the movie header and one video track."""
    mvhd = _box(b"mvhd", bytes(4) + struct.pack(">4I", 0, 0, timescale, timescale * seconds) + bytes(80))
    hdlr = _box(b"hdlr", bytes(8) + b"vide" + bytes(12) + b"video\x00")
    moov = _box(b"moov", mvhd + _box(b"trak", _box(b"mdia", hdlr)))
    path.write_bytes(_box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2") + moov + _box(b"mdat", bytes(64)))
    return path


def make_jpeg(path: Path) -> Path:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Acme\x00Optics"  # a NUL inside, as some cameras write
    exif[ExifTags.Base.Model] = "Cam 1"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = "2024:03:01 10:20:30"
    sub[ExifTags.Base.MakerNote] = b"\x00\x01 vendor binary"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(33), IFDRational(41), IFDRational(384, 100))
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (IFDRational(73), IFDRational(2), IFDRational(5244, 100))
    Image.new("RGB", (64, 48), "red").save(path, "JPEG", exif=exif)
    return path


def make_pdf(path: Path, *, user_password: str | None = None) -> Path:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=200, height=200)
    writer.add_metadata(
        {
            "/Title": "Statement of\x00 witness",
            "/Author": "SI Khan",
            "/CreationDate": "D:20240301102030+05'00'",
        }
    )
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def assert_json_ready(result: dict[str, Any]) -> None:
    assert isinstance(result.get("format"), str)
    json.dumps(result)

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                assert type(key) is str
                walk(item)
        elif isinstance(value, str):
            assert type(value) is str and "\x00" not in value
        else:
            assert value is None or type(value) in (int, float, bool)

    walk(result)


def test_wav_duration_is_exact(tmp_path: Path) -> None:
    result = read_media(make_wav(tmp_path / "call.wav", frames=12_000, rate=8000), kind="audio")
    assert result["format"] == "wav"
    assert result["duration_s"] == 1.5
    assert (result["sample_rate"], result["channels"], result["bits_per_sample"]) == (8000, 2, 16)
    assert result["bitrate"] == 8000 * 2 * 16
    assert "problem" not in result


def test_mp3_stream_facts(tmp_path: Path) -> None:
    result = read_media(make_mp3(tmp_path / "clip.mp3"), kind="audio")
    assert result["format"] == "mp3"
    assert (result["sample_rate"], result["channels"], result["bitrate"]) == (44100, 2, 128_000)
    assert result["codec"] == "MPEG-1 Layer 3"
    assert result["duration_s"] == pytest.approx(50 * 1152 / 44100, abs=0.05)


def test_mp4_video_duration(tmp_path: Path) -> None:
    result = read_media(make_mp4(tmp_path / "cctv.mp4"), kind="video")
    assert result == {"format": "mp4", "duration_s": 75.0}


def test_jpeg_size_and_curated_exif(tmp_path: Path) -> None:
    result = read_media(make_jpeg(tmp_path / "scene.jpg"), kind="image")
    assert (result["format"], result["width"], result["height"]) == ("jpeg", 64, 48)
    assert result["exif"] == {
        "Make": "Acme Optics",
        "Model": "Cam 1",
        "DateTimeOriginal": "2024:03:01 10:20:30",
        "GPSLatitude": "33.684400",  # 33° 41' 3.84" N
        "GPSLongitude": "-73.047900",  # 73° 2' 52.44" W
    }
    assert_json_ready(result)


def test_pdf_pages_and_info(tmp_path: Path) -> None:
    result = read_media(make_pdf(tmp_path / "statement.pdf"), kind="statement")
    assert result == {
        "format": "pdf",
        "encrypted": False,
        "pages": 3,
        "title": "Statement of witness",
        "author": "SI Khan",
        "producer": "pypdf",
        "created": "2024-03-01T10:20:30+05:00",
    }


def test_hand_written_pdf_with_indirect_title_bytes_author_and_bad_date(tmp_path: Path) -> None:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>",
        b"<< /Title 5 0 R /Author (SI\\000Khan) /CreationDate (D:2024-99-bogus) >>",
        b"(Indirect title)",
    ]
    body, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\n" % (len(objects) + 1)
    body += b"startxref\n%d\n%%%%EOF\n" % xref
    path = tmp_path / "hand.pdf"
    path.write_bytes(bytes(body))
    result = read_media(path, kind="forensic-report")
    assert result == {
        "format": "pdf",
        "encrypted": False,
        "pages": 1,
        "title": "Indirect title",
        "author": "SI Khan",  # a NUL in undecodable bytes: text, never bytes
        "created": "D:2024-99-bogus",  # unparseable dates are kept as written
    }
    assert_json_ready(result)


def test_encrypted_pdf(tmp_path: Path) -> None:
    locked = read_media(make_pdf(tmp_path / "locked.pdf", user_password="secret"), kind="document")
    assert locked["encrypted"] is True and "pages" not in locked and "password" in locked["problem"]
    owner_only = read_media(make_pdf(tmp_path / "owner.pdf", user_password=""), kind="document")
    assert owner_only["encrypted"] is True and owner_only["pages"] == 3 and "problem" not in owner_only


def test_kinds_without_a_reader_detect_by_content(tmp_path: Path) -> None:
    assert read_media(make_pdf(tmp_path / "report.pdf"), kind="forensic-report")["pages"] == 3
    assert read_media(make_jpeg(tmp_path / "scan.jpg"), kind="document")["width"] == 64
    csv = tmp_path / "cdr.csv"
    csv.write_text("caller,callee,start\n923001234567,923007654321,2024-03-01T10:20:30\n")
    assert read_media(csv, kind="cdr") == {"format": "text"}
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 4)
    assert read_media(blob, kind="other") == {"format": "unknown"}


def test_content_that_contradicts_the_kind_is_read_and_remarked(tmp_path: Path) -> None:
    result = read_media(make_wav(tmp_path / "photo.jpg"), kind="image")
    assert result["format"] == "wav" and result["duration_s"] == 1.5
    assert result["problem"] == "recorded as image but the content looks like wav"


def test_empty_garbage_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.touch()
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"\x00\xde\xad\xbe\xef" * 100)
    for kind in KINDS:
        assert read_media(empty, kind=kind) == {"format": "empty", "problem": "the file is empty"}
    for kind in ("audio", "video", "image"):
        result = read_media(garbage, kind=kind)
        assert result["format"] == "unknown" and result["problem"]
        assert str(tmp_path) not in result["problem"]  # no storage paths in metadata
    gone = read_media(tmp_path / "absent", kind="audio")
    assert gone["problem"] == "cannot read the file: No such file or directory"


def test_decompression_bomb_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """A tiny PNG whose header claims 100,000 × 100,000 pixels; Pillow's default limit refuses it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">2I5B", 100_000, 100_000, 8, 2, 0, 0, 0)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")))
    result = read_media(bomb, kind="image")
    assert result["format"] == "png" and "DecompressionBombError" in result["problem"]
    assert Image.MAX_IMAGE_PIXELS is not None  # the limit stays on


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the EXIF damage done here
def test_truncated_and_corrupted_files_never_raise(tmp_path: Path) -> None:
    """Every prefix length class and seeded byte flips of each fixture, read as every kind."""
    fixtures = [
        make_wav(tmp_path / "a.wav"),
        make_mp3(tmp_path / "a.mp3", frames=4),
        make_mp4(tmp_path / "a.mp4"),
        make_jpeg(tmp_path / "a.jpg"),
        make_pdf(tmp_path / "a.pdf"),
        make_pdf(tmp_path / "b.pdf", user_password="secret"),
    ]
    rng = random.Random(7)
    sample = tmp_path / "sample"
    problems = 0
    for fixture in fixtures:
        data = fixture.read_bytes()
        variants = [data[:cut] for cut in (1, 3, 9, 40, 120, len(data) // 2, len(data) - 1)]
        for _ in range(6):
            flipped = bytearray(data)
            for _ in range(8):
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            variants.append(bytes(flipped))
        for variant in variants:
            sample.write_bytes(variant)
            for kind in KINDS:
                result = read_media(sample, kind=kind)
                assert_json_ready(result)
                problems += "problem" in result
    assert problems > 0  # the damage was noticed somewhere
