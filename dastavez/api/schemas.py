"""Request bodies of the API (input models, kept apart from the tables)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=20_000)


class TokenRequest(Input):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)
    name: str = Field(default="api", max_length=100)
    days: int | None = None


class PersonIn(Input):
    name: str
    name_ur: str | None = None
    aliases: list[str] = Field(default_factory=list, max_length=50)
    compartment: str | None = None
    exhibit: str | None = None


class OrganizationIn(Input):
    name: str
    name_ur: str | None = None
    compartment: str | None = None
    exhibit: str | None = None


class PropertyValue(Input):
    prop: str
    value: str


class EntityIn(Input):
    schema_: str = Field(alias="schema")
    values: list[PropertyValue] = Field(max_length=200)
    compartment: str | None = None
    exhibit: str | None = None
    locator: str | None = None


class ClaimIn(Input):
    prop: str
    value: str
    exhibit: str | None = None
    locator: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    confidence: str = "medium"
    compartment: str | None = None


class RetractIn(Input):
    reason: str


class ClaimStatusIn(Input):
    status: str
    note: str


class LegalStatusIn(Input):
    status: str
    basis: str
    exhibit: str | None = None
    effective: str | None = None


class ProscriptionIn(Input):
    law: str
    notification_ref: str
    date: str
    exhibit: str | None = None


class MembershipIn(Input):
    member: str
    organization: str
    role: str
    start: str | None = None
    end: str | None = None
    compartment: str | None = None
    exhibit: str | None = None
    locator: str | None = None


class ExhibitIn(Input):
    title: str
    kind: str
    sha256: str | None = None
    description: str | None = None
    compartment: str | None = None


class UserIn(Input):
    username: str
    password: str
    roles: list[str]
    display_name: str | None = None
    clearances: list[str] = Field(default_factory=list)


class RolesIn(Input):
    roles: list[str]


class ClearancesIn(Input):
    clearances: list[str]


class CompartmentIn(Input):
    code: str
    title: str


class CustodyIn(Input):
    action: str
    to: str | None = None
    from_holder: str | None = Field(default=None, alias="from")
    at: str | None = None
    place: str | None = None
    purpose: str | None = None
    seal_number: str | None = None
    note: str | None = None
    check_hash: bool = False


class VerificationIn(Input):
    method: str
    result: str
    report: str | None = None
    note: str | None = None


class ReviewIn(Input):
    decision: str
    note: str | None = None


class AuthorityIn(Input):
    basis: str
    reference: str
    issued_by: str
    valid_from: str
    valid_to: str
    targets: list[str] = Field(default_factory=list, max_length=1000)
    data_classes: list[str] = Field(default_factory=list, max_length=10)
    applicant: str | None = None
    authorising_officer: str | None = None
    issued_on: str | None = None
    purpose: str | None = None
    retention_until: str | None = None
    document: str | None = None
    renews: str | None = None
    compartment: str | None = None
