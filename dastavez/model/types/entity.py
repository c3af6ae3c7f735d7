"""References to other entities by id (``PER-7K2Q9XBD``); the service layer checks they exist."""

from __future__ import annotations

import re
from typing import ClassVar

from dastavez.model.types.base import Cleaned, PropertyType, TypeContext

# re.ASCII: without it, IGNORECASE lets the Kelvin sign and long s pass as K and S.
ENTITY_ID = re.compile(r"[A-Z]{2,4}-[0-9A-Z]{6,16}", re.IGNORECASE | re.ASCII)


class EntityType(PropertyType):
    """The id of another entity: 2–4 letters, a dash, 6–16 letters or digits."""

    name: ClassVar[str] = "entity"
    max_length: ClassVar[int] = 64
    label: ClassVar[str] = "entity id"

    def parse(self, text: str, context: TypeContext) -> Cleaned:
        if not ENTITY_ID.fullmatch(text):
            raise self.reject(text, "expected 2–4 letters, a dash and 6–16 letters or digits")
        entity_id = text.upper()
        return Cleaned(entity_id, entity_id, {})
