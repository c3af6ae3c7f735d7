"""Free text: notes and descriptions (``text``) and short single-line strings (``string``)."""

from __future__ import annotations

from typing import ClassVar

from dastavez.model.types.base import Cleaned, PropertyType, TypeContext
from dastavez.model.types.name import fold

NORMALISED_LIMIT = 1000  # the folded form feeds search indexes, which need no more


class TextType(PropertyType):
    """Multi-line text; keeps its line breaks and tabs."""

    name: ClassVar[str] = "text"
    max_length: ClassVar[int] = 20000
    label: ClassVar[str] = "text"
    multiline: ClassVar[bool] = True

    def parse(self, text: str, context: TypeContext) -> Cleaned:
        return Cleaned(text, fold(text)[:NORMALISED_LIMIT], {})


class StringType(TextType):
    """A short single-line string (a title, a label)."""

    name: ClassVar[str] = "string"
    max_length: ClassVar[int] = 1000
    label: ClassVar[str] = "string"
    multiline: ClassVar[bool] = False
