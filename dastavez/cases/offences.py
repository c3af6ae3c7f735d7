"""The table of offences (``offences.yaml``): statute sections, and reading them as written on an FIR."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from dastavez.exc import InvalidInput

_SECTION = re.compile(r"^(?:s\.?|sec\.?|section|u/s)?\s*(\d+[a-z]?(?:-[a-z])?)$", re.IGNORECASE)


@dataclass(frozen=True)
class Offence:
    statute: str
    section: str
    title: str
    statute_title: str

    @property
    def code(self) -> str:
        """``ATA 1997 s.7``: how a case stores and shows it."""
        return f"{self.statute} s.{self.section}"

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "statute": self.statute_title,
            "section": self.section,
            "title": self.title,
        }


@dataclass(frozen=True)
class OffenceTable:
    offences: dict[str, Offence]
    #: every spelling of a statute (upper case, single spaces) → its key
    statute_names: dict[str, str]

    def resolve(self, written: str) -> Offence:
        """``"ATA 1997 s.7"``, ``"PPC 302"``, ``"s.4 ESA"`` → the offence; one-line error otherwise."""
        text = " ".join((written or "").replace(",", " ").split())
        if not text:
            raise InvalidInput('name the statute section, e.g. "ATA 1997 s.7"', field="section")
        upper = text.upper()
        for name in sorted(self.statute_names, key=len, reverse=True):
            for rest in _around(upper, name):
                match = _SECTION.match(rest)
                if match:
                    key = f"{self.statute_names[name]} s.{match.group(1).upper()}"
                    if key in self.offences:
                        return self.offences[key]
                    raise InvalidInput(
                        f"{self.statute_names[name]} has no section {match.group(1)} in the "
                        "table of offences (dastavez/cases/offences.yaml)",
                        field="section",
                    )
        raise InvalidInput(
            f'cannot read {text!r} as a statute section; write it like "ATA 1997 s.7" or "PPC s.302"',
            field="section",
        )


def _around(text: str, name: str) -> list[str]:
    """What stands before or after a statute's name in ``text`` (``PPC 302`` and ``302 PPC``)."""
    found = []
    if text.startswith(name + " "):
        found.append(text[len(name) + 1 :].strip())
    if text.endswith(" " + name):
        found.append(text[: -len(name) - 1].strip())
    return found


@cache
def offence_table() -> OffenceTable:
    raw = yaml.safe_load((Path(__file__).parent / "offences.yaml").read_text(encoding="utf-8"))
    offences: dict[str, Offence] = {}
    names: dict[str, str] = {}
    for key, spec in raw["statutes"].items():
        for name in [key, *spec.get("aliases", [])]:
            names[" ".join(name.upper().split())] = key
        for section, title in raw["sections"][key].items():
            offence = Offence(
                statute=key, section=str(section).upper(), title=title, statute_title=spec["title"]
            )
            offences[offence.code] = offence
    return OffenceTable(offences=offences, statute_names=names)


def resolve_offences(written: list[str]) -> list[Offence]:
    if not written:
        raise InvalidInput(
            'a case needs at least one statute section (--section "ATA 1997 s.7")', field="section"
        )
    resolved = [offence_table().resolve(item) for item in written]
    return list({offence.code: offence for offence in resolved}.values())
