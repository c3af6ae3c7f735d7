"""Technical metadata of an exhibit file (duration, dimensions, pages, EXIF), never fatal.

An exhibit is stored whatever its content, so a malformed or hostile file must not stop the
upload: :func:`read_media` always returns a JSON-ready dict with a ``format``, and a one-line
``problem`` when the file could not be read as what it claims to be. The reader is picked
by the file's leading bytes, with the exhibit kind as a fallback, so a statement scanned to
PDF still gets its page count. Readers are lazy (headers, page tree, EXIF) so memory stays
bounded whatever the file size; Pillow's decompression-bomb limit stays on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import mutagen
from PIL import ExifTags, Image
from pypdf import DocumentInformation, PasswordType, PdfReader
from pypdf.generic import PdfObject

_HEAD_BYTES = 4096
_MAX_TEXT = 500  # metadata strings are labels, not documents
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# (offset, magic, format, family); families pick the reader
_MAGIC: tuple[tuple[int, bytes, str, str], ...] = (
    (0, b"%PDF-", "pdf", "pdf"),
    (0, b"\xff\xd8\xff", "jpeg", "image"),
    (0, b"\x89PNG\r\n\x1a\n", "png", "image"),
    (0, b"GIF8", "gif", "image"),
    (0, b"II*\x00", "tiff", "image"),
    (0, b"MM\x00*", "tiff", "image"),
    (8, b"WEBP", "webp", "image"),
    (8, b"WAVE", "wav", "audio"),
    (0, b"fLaC", "flac", "audio"),
    (0, b"OggS", "ogg", "audio"),
    (0, b"ID3", "mp3", "audio"),
    (4, b"ftyp", "mp4", "mp4"),
    (8, b"AVI ", "avi", "video"),
    (0, b"\x1a\x45\xdf\xa3", "matroska", "video"),
    (0, b"PK\x03\x04", "zip", "archive"),
)
# what each media kind may contain without a remark; other kinds may contain anything
_EXPECTED = {"audio": {"audio", "mp4"}, "video": {"video", "mp4"}, "image": {"image"}}
_MUTAGEN_FORMATS = {"WAVE": "wav", "MP3": "mp3", "FLAC": "flac", "MP4": "mp4", "OggVorbis": "ogg"}
_EXIF_TAGS = ("Make", "Model", "Software", "DateTime", "Artist", "ImageDescription", "Orientation")
# these live in the Exif sub-IFD; the camera serial helps tie a photo to a seized device
_EXIF_IFD_TAGS = (
    "DateTimeOriginal",
    "DateTimeDigitized",
    "OffsetTimeOriginal",
    "LensModel",
    "BodySerialNumber",
)


def clean_text(value: object) -> str:
    """A plain one-line ``str``: no NULs or control characters, bounded length."""
    text = _CONTROL.sub(" ", str(value))
    return " ".join(text.split())[:_MAX_TEXT]


def _problem(fmt: str, error: BaseException, path: Path) -> str:
    """One line naming what went wrong, without the storage path the message may contain."""
    message = clean_text(str(error).replace(str(path), "the file"))[:200]
    name = type(error).__name__
    return f"unreadable {fmt} ({name}: {message})" if message else f"unreadable {fmt} ({name})"


def sniff(head: bytes) -> tuple[str, str | None]:
    """(format, family) from a file's first bytes; family None when no reader applies."""
    for offset, magic, fmt, family in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return fmt, family
    if b"%PDF-" in head[:1024]:
        return "pdf", "pdf"  # readers accept a PDF header after some leading junk
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "mp3", "audio"  # an MPEG audio frame without an ID3 tag
    if not head:
        return "empty", None
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start < len(head) - 3:  # not just a character cut at the end of the sample
                return "unknown", None
        return "text", None
    return "unknown", None


def read_audio(path: Path) -> dict[str, Any]:
    """Audio or MP4 stream facts via mutagen; it reads headers and tags, not the samples."""
    found = mutagen.File(path)
    if found is None:
        return {"format": "unknown", "problem": "not an audio or video format mutagen recognises"}
    info = found.info
    name = type(found).__name__
    result: dict[str, Any] = {"format": _MUTAGEN_FORMATS.get(name, name.lower())}
    length = getattr(info, "length", None)
    if isinstance(length, (int, float)) and math.isfinite(length):
        result["duration_s"] = round(float(length), 3)
    for key in ("sample_rate", "channels", "bitrate", "bits_per_sample"):
        value = getattr(info, key, None)
        if isinstance(value, int) and value > 0:
            result[key] = value
    codec = getattr(info, "codec_description", "") or getattr(info, "codec", "")
    if codec:
        result["codec"] = clean_text(codec)
    elif name == "MP3":
        result["codec"] = f"MPEG-{clean_text(info.version)} Layer {clean_text(info.layer)}"
    return result


def _gps_degrees(value: object, ref: object) -> float | None:
    """EXIF (degrees, minutes, seconds) rationals to signed decimal degrees; None if unusable."""
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    decimal = degrees + minutes / 60 + seconds / 3600
    if clean_text(ref).upper() in ("S", "W"):
        decimal = -decimal
    return decimal if math.isfinite(decimal) else None


def _exif(image: Image.Image) -> dict[str, str]:
    """A curated set of EXIF tags as text; binary tags (maker notes, thumbnails) are left out."""
    exif = image.getexif()
    found: dict[str, str] = {}
    sources = [(exif, _EXIF_TAGS), (exif.get_ifd(ExifTags.IFD.Exif), _EXIF_IFD_TAGS)]
    for ifd, names in sources:
        for name in names:
            value = ifd.get(ExifTags.Base[name].value)
            if value is not None and not isinstance(value, bytes) and (text := clean_text(value)):
                found[name] = text
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat = _gps_degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
    lon = _gps_degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
    if lat is not None and lon is not None and abs(lat) <= 90 and abs(lon) <= 180:
        found["GPSLatitude"], found["GPSLongitude"] = f"{lat:.6f}", f"{lon:.6f}"
    return found


def read_image(path: Path) -> dict[str, Any]:
    """Size, format and EXIF from the image header; pixels are never decoded."""
    try:
        image = Image.open(path)
    except Image.DecompressionBombError as error:
        return {"format": "unknown", "problem": _problem("image", error, path)}
    with image:
        result: dict[str, Any] = {
            "format": (image.format or "image").lower(),
            "width": image.width,
            "height": image.height,
            "mode": image.mode,
        }
        try:
            result["exif"] = _exif(image)
        except Exception as error:  # a broken EXIF block must not hide the size
            result["exif"], result["problem"] = {}, _problem("EXIF", error, path)
    return result


def _pdf_text(info: DocumentInformation, name: str) -> str:
    """A text entry of the document info, indirect references resolved; "" when absent or not text."""
    value = info.get(name)
    if isinstance(value, PdfObject):
        value = value.get_object()
    if isinstance(value, bytes):  # pypdf leaves text it cannot decode as bytes; show it, never raw
        value = value.decode("latin-1")
    return clean_text(value) if isinstance(value, str) else ""


def read_pdf(path: Path) -> dict[str, Any]:
    """Page count and document info; the file stays on disk (pypdf reads a path into memory)."""
    with open(path, "rb") as stream:
        reader = PdfReader(stream)
        result: dict[str, Any] = {"format": "pdf", "encrypted": reader.is_encrypted}
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            # the empty password opens PDFs that carry only an owner password (no-print, no-copy)
            return result | {"problem": "encrypted with a password: pages and metadata are unreadable"}
        result["pages"] = len(reader.pages)
        info = reader.metadata
        if info is not None:
            for key, name in (("title", "/Title"), ("author", "/Author"), ("producer", "/Producer")):
                if text := _pdf_text(info, name):
                    result[key] = text
            try:
                created: datetime | None = info.creation_date
            except ValueError:
                created = None  # a malformed date: keep it as written, below
            if created is not None:
                result["created"] = created.isoformat()
            elif text := _pdf_text(info, "/CreationDate"):
                result["created"] = text
    return result


_READERS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "audio": read_audio,
    "mp4": read_audio,
    "image": read_image,
    "pdf": read_pdf,
}
# when the leading bytes say nothing, the media kinds still get their library's wider detection
_KIND_READERS = {"audio": read_audio, "video": read_audio, "image": read_image}


def read_media(path: Path, *, kind: str) -> dict[str, Any]:
    """Metadata of ``path`` for an exhibit of ``kind``; never raises for what the file holds."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(_HEAD_BYTES)
    except OSError as error:
        return {"format": "unknown", "problem": f"cannot read the file: {clean_text(error.strerror)}"}
    fmt, family = sniff(head)
    if fmt == "empty":
        return {"format": "empty", "problem": "the file is empty"}
    remark = None
    if family is not None and kind in _EXPECTED and family not in _EXPECTED[kind]:
        remark = f"recorded as {kind} but the content looks like {fmt}"
    reader = _READERS.get(family) if family else _KIND_READERS.get(kind)
    if reader is None:
        return {"format": fmt, "problem": remark} if remark else {"format": fmt}
    try:
        result = reader(path)
    except Exception as error:  # hostile input may raise anything; the exhibit is kept
        result = {"format": fmt, "problem": _problem(fmt, error, path)}
    if remark and "problem" not in result:
        result["problem"] = remark
    if result.get("format") == "unknown" and fmt != "unknown":
        result["format"] = fmt
    return result
