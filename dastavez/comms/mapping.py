"""Column mappings: how one operator's export names and writes the fields of a call.

A mapping is YAML (``presets/*.yaml`` ship with dastavez; ``--map FILE`` gives another, which
may start from a preset with ``preset: NAME`` and change only what differs). It says which
header names hold which field, how times are written and in which zone, and the operator's
words for a call or an SMS and for its direction. ``parties`` tells how the two numbers are
given: ``caller_callee`` (the file says who called whom) or ``subscriber`` (the operator's
subscriber and the other party, with the direction saying who called).
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dastavez.exc import InvalidInput

#: the fields a mapping can name a column for
FIELDS = (
    "caller", "callee", "subscriber", "other", "start", "duration", "type", "direction",
    "imei", "imsi", "cell_id", "cell_country", "cell_mcc",
)
DELIMITERS = (",", ";", "\t", "|")
_PRESETS = resources.files("dastavez.comms") / "presets"
_DEFAULT_TYPES: dict[str, Literal["call", "sms"]] = {"call": "call", "voice": "call", "sms": "sms"}


class Mapping(BaseModel):
    """One operator's export format, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64)
    operator: str = Field(min_length=1, max_length=64)
    time_zone: str = "UTC"
    delimiter: str | None = None  # None: detected from the header line
    encoding: str | None = None  # None: detected from a sample
    #: strptime formats tried in order; ``iso`` is ISO 8601 with or without an offset
    time_formats: tuple[str, ...] = ("iso",)
    parties: Literal["caller_callee", "subscriber"] = "caller_callee"
    columns: dict[str, str]
    #: fields whose column may be missing from a file
    optional: tuple[str, ...] = ()
    #: the operator's word (any case) → ``call``/``sms``; a file without a type column is all calls
    types: dict[str, Literal["call", "sms"]] = Field(default_factory=lambda: dict(_DEFAULT_TYPES))
    #: the operator's word (any case) → ``out``/``in``, from its subscriber's side
    directions: dict[str, Literal["out", "in"]] = Field(default_factory=dict)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return check_time_zone(value)

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, value: str | None) -> str | None:
        if value is not None and value not in DELIMITERS:
            raise ValueError("must be one of ',', ';', '|' or a tab")
        return value

    @field_validator("time_formats")
    @classmethod
    def _formats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("give at least one time format")
        for fmt in value:
            if fmt != "iso" and "%" not in fmt:
                raise ValueError(f"{fmt!r} is not a strptime format (such as %d/%m/%Y %H:%M:%S) or 'iso'")
        return value

    #: the vocabulary's words as written in the YAML (matched first, exactly)
    written: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _written(cls, data: Any) -> Any:
        if isinstance(data, dict):
            words = [str(k) for key in ("types", "directions") for k in (data.get(key) or {})]
            data = data | {"written": tuple(dict.fromkeys(words))}
        return data

    @field_validator("types", "directions")
    @classmethod
    def _vocabulary(cls, value: dict[str, str]) -> dict[str, str]:
        return {str(k).strip().lower(): v for k, v in value.items()}

    @model_validator(mode="after")
    def _fields(self) -> Mapping:
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r} in columns; fields are {', '.join(FIELDS)}")
        for name, header in self.columns.items():
            if not str(header).strip():
                raise ValueError(f"the column for {name} is empty")
        needed = ["start"] + (
            ["caller", "callee"] if self.parties == "caller_callee" else ["subscriber", "other", "direction"]
        )
        missing = [f for f in needed if f not in self.columns]
        if missing:
            raise ValueError(f"parties {self.parties} needs a column for {', '.join(missing)}")
        if any(f in self.optional for f in needed):
            raise ValueError(f"{', '.join(needed)} cannot be optional")
        if "direction" in self.columns and not self.directions:
            raise ValueError("a direction column needs a directions vocabulary")
        return self

    def required_headers(self) -> list[str]:
        return list(dict.fromkeys(h for f, h in self.columns.items() if f not in self.optional))


def check_time_zone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Karachi)") from err
    return value


def preset_names() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in _PRESETS.iterdir() if p.name.endswith(".yaml"))


@cache
def _preset_data(name: str) -> dict[str, Any]:
    if name not in preset_names():
        raise InvalidInput(
            f"unknown operator preset {name!r}; presets are {', '.join(preset_names())}", field="operator"
        )
    data = yaml.safe_load((_PRESETS / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data | {"name": name}


def _merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _validated(data: dict[str, Any], where: str) -> Mapping:
    try:
        return Mapping.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        place = ".".join(str(p) for p in first["loc"]) or "mapping"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInput(f"{where}: {place}: {message}", field="mapping") from None


def load_mapping(*, operator: str | None = None, mapping: Path | str | None = None) -> Mapping:
    """The mapping in force: a preset (``default`` unless ``operator`` names another), changed
    by the YAML of ``mapping`` (a file, or its text) when given."""
    data = _preset_data((operator or "default").strip().lower())
    where = f"preset {data['name']}"
    if mapping is not None:
        text = mapping.read_text(encoding="utf-8") if isinstance(mapping, Path) else mapping
        where = f"mapping {mapping.name}" if isinstance(mapping, Path) else "mapping"
        try:
            change = yaml.safe_load(text)
        except yaml.YAMLError as err:
            detail = " ".join(str(err).split())
            raise InvalidInput(f"{where} is not valid YAML: {detail}", field="mapping") from None
        if not isinstance(change, dict):
            raise InvalidInput(f"{where} must be a YAML mapping of fields", field="mapping")
        if "preset" in change:
            base = str(change.pop("preset")).strip().lower()
            if operator and base != operator.strip().lower():
                raise InvalidInput(
                    f"{where} extends preset {base!r} but --operator says {operator!r}", field="mapping"
                )
            data = _preset_data(base)
        data = _merge(data, change)
        data.setdefault("name", "custom")
    return _validated(data, where)
