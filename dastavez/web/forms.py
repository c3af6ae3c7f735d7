"""What a user typed into a form, kept so that a refused form comes back filled in.

Each form is a plain dataclass read from FastAPI ``Form`` fields; the services do all the
checking. ``invalid`` names the field an error points at, when it is one of the form's.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from dastavez.exc import DastavezError


@dataclass(frozen=True)
class FormValues:
    def names(self) -> set[str]:
        return {f.name for f in fields(self)}

    def invalid(self, error: DastavezError | None) -> str | None:
        """The form field an error is about, if the error says and the form has it."""
        if error is None or error.field is None:
            return None
        return error.field if error.field in self.names() else None


@dataclass(frozen=True)
class ClaimForm(FormValues):
    prop: str = "name"
    value: str = ""
    exhibit: str = ""
    locator: str = ""
    valid_from: str = ""
    valid_to: str = ""
    confidence: str = "medium"


@dataclass(frozen=True)
class RetractForm(FormValues):
    reason: str = ""


@dataclass(frozen=True)
class PersonForm(FormValues):
    name: str = ""
    name_ur: str = ""
    compartment: str = ""


@dataclass(frozen=True)
class ExhibitForm(FormValues):
    title: str = ""
    kind: str = "document"
    sha256: str = ""
    description: str = ""
    compartment: str = ""

