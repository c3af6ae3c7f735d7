"""The list as a PDF, typeset by Typst (``leaders_list.typ``) with a font that shapes Urdu.

The template gets its content as JSON, so names are printed as text and never read as markup.
Urdu needs Noto Naskh Arabic (Debian's ``fonts-noto-core``, installed by ``make fonts``):
without it the export fails with a message saying so, rather than printing empty boxes.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import typst

from dastavez.exc import ConfigurationError

TEMPLATE = Path(__file__).parent / "leaders_list.typ"
URDU_FONT = "NotoNaskhArabic-Regular.ttf"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")


@cache
def font_dir() -> Path:
    """The folder holding the Urdu font (and, from the same package, Noto Sans)."""
    for root in FONT_DIRS:
        if root.is_dir():
            found = next(root.rglob(URDU_FONT), None)
            if found is not None:
                return found.parent
    raise ConfigurationError(
        f"the PDF needs the font {URDU_FONT} to print Urdu names: install Debian's "
        "fonts-noto-core (`make fonts`)"
    )


def _cite_role(membership: dict[str, Any]) -> dict[str, Any]:
    text = f"{membership['role'].capitalize()} of {membership['organization_name']}"
    if membership["claim"]:
        text += f" (claim {membership['claim']})"
    return {"text": text, "exhibit": membership["exhibit"]}


def statements(person: dict[str, Any]) -> list[dict[str, Any]]:
    """Each thing the PDF says about a person, with the exhibit it rests on (or none)."""
    lines = [_cite_role(m) for m in person["memberships"]]
    basis = person.get("legal_status_basis") or {}
    status = person["legal_status"] or "none recorded"
    if person["legal_status"]:
        lines.append(
            {
                "text": f"Legal status: {status}" + (f" — {basis['basis']}" if basis.get("basis") else ""),
                "exhibit": basis.get("exhibit"),
            }
        )
    else:  # nothing is asserted, so there is nothing to cite
        lines.append({"text": "Legal status: none recorded", "exhibit": None, "source": "registry"})
    abroad = person.get("abroad_basis") or {}
    if person["abroad"] and abroad.get("claim"):
        lines.append(
            {
                "text": f"Based abroad: residence {abroad['country']} (claim {abroad['claim']})",
                "exhibit": abroad.get("exhibit"),
            }
        )
    elif person["abroad"]:
        lines.append(
            {
                "text": f"Based abroad: custody status abroad in {abroad.get('case')}",
                "exhibit": None,
                "source": "case record, no exhibit",
            }
        )
    for warrant in person["warrants"]:
        lines.append(
            {
                "text": f"Warrant ({warrant['kind']}) {warrant['reference']}, {warrant['court']}, issued "
                f"{warrant['issued_on']}, {warrant['status']}, in {warrant['case']}",
                "exhibit": warrant["exhibit"],
            }
        )
    for case in person["cases"]:
        lines.append(
            {
                "text": f"{case['role'].capitalize()} in {case['case']} "
                f"(FIR {case['fir']}, {case['station']}), "
                f"stage {case['stage']}, custody {case['custody'] or 'n/a'}",
                "exhibit": None,
                "source": "case record",
            }
        )
    return lines


def _element(element: dict[str, Any]) -> dict[str, Any]:
    if element["backed"]:
        first = element["evidence"][0]
        source = (
            f"warrant {first['warrant']}" if first.get("warrant") is not None else f"claim {first['claim']}"
        )
        return {
            "label": element["label"],
            "backed": True,
            "text": f"backed by {source} ({first['prop']})",
            "exhibit": first["exhibit"],
        }
    text = "MISSING"
    if element["not_counted"]:
        aside = element["not_counted"][0]
        text += f" (cited {aside['exhibit']} not counted: {aside['exhibit_status']})"
    elif element["unsupported"]:
        text += " (claimed without an exhibit)"
    return {"label": element["label"], "backed": False, "text": text, "exhibit": None}


def render_pdf(
    people: list[dict[str, Any]],
    *,
    title: str,
    marking: str,
    made_at: str,
    made_by: str,
    checkpoint: dict[str, Any],
    status_line: str,
    scope_line: str,
    rules_line: str,
) -> bytes:
    data = {
        "title": title,
        "marking": marking,
        "made_at": made_at,
        "made_by": made_by,
        "checkpoint": checkpoint,
        "status_line": status_line,
        "scope_line": scope_line,
        "rules_line": rules_line,
        "people": [
            {
                "entity": p["entity"],
                "name": p["name"],
                "name_ur": p.get("name_ur"),
                "score": p["score"],
                "missing": p["missing"],
                "statements": statements(p),
                "elements": [_element(e) for e in p["elements"]],
            }
            for p in people
        ],
    }
    try:
        pdf = typst.compile(  # type: ignore[misc]  # its stub's overloads cannot infer from bytes
            TEMPLATE.read_bytes(),
            font_paths=[str(font_dir())],
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        )
    except RuntimeError as err:  # a template error is a bug; say so in one line
        raise ConfigurationError(f"the PDF could not be typeset: {str(err).splitlines()[0]}") from err
    assert isinstance(pdf, bytes)
    return pdf
