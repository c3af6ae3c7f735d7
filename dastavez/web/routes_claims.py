"""Adding and retracting claims from a profile.

Both forms work as plain POSTs (redirect back to the profile on success) and through htmx,
which swaps the refreshed profile in; a refused form comes back with its message and
what was typed, in place of the form.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from dastavez.exc import DastavezError
from dastavez.model.schema import model
from dastavez.registry.claims import add_claim, retract_claim
from dastavez.web.auth import WriterDep
from dastavez.web.deps import DbDep, SettingsDep, blank_to_none
from dastavez.web.forms import ClaimForm, RetractForm
from dastavez.web.pages import form_error
from dastavez.web.routes_registry import claim_form_context

router = APIRouter()


def _invalid_claim_field(entity_id: str, form: ClaimForm, error: DastavezError) -> str | None:
    """Value errors name the property ("birthDate"); point them at the value field."""
    schema = model().by_prefix(entity_id)
    prop = schema.properties.get(form.prop) if schema else None
    if prop is not None and error.field == prop.name:
        return "value"
    return form.invalid(error)


@router.post("/entities/{entity_id}/claims")
def claim_add(
    request: Request,
    entity_id: str,
    user: WriterDep,
    db: DbDep,
    settings: SettingsDep,
    prop: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    exhibit: Annotated[str, Form()] = "",
    locator: Annotated[str, Form()] = "",
    valid_from: Annotated[str, Form()] = "",
    valid_to: Annotated[str, Form()] = "",
    confidence: Annotated[str, Form()] = "medium",
) -> Response:
    form = ClaimForm(prop=prop, value=value, exhibit=exhibit, locator=locator, valid_from=valid_from,
                     valid_to=valid_to, confidence=confidence)
    try:
        with db.write() as session:
            claim, _created = add_claim(
                session, user.actor, entity_id=entity_id, prop=prop, value=value,
                exhibit_id=blank_to_none(exhibit), locator=blank_to_none(locator),
                valid_from=blank_to_none(valid_from), valid_to=blank_to_none(valid_to),
                confidence=confidence, region=settings.default_region)
    except DastavezError as err:
        context = claim_form_context(entity_id.strip().upper(), form, err,
                                     _invalid_claim_field(entity_id, form, err))
        return form_error(request, fragment="_claim_form.html", page_title="Add a claim",
                          block_id="add-claim", status=err.status, context=context)
    return RedirectResponse(f"/entities/{claim.entity_id}#claim-{claim.id}", status_code=303)


@router.post("/claims/{claim_id}/retract")
def claim_retract(
    request: Request,
    claim_id: str,
    user: WriterDep,
    db: DbDep,
    reason: Annotated[str, Form()] = "",
) -> Response:
    form = RetractForm(reason=reason)
    try:
        with db.write() as session:
            claim = retract_claim(session, user.actor, claim_id=claim_id, reason=reason)
    except DastavezError as err:
        # The id goes into a response header (HX-Retarget): only the characters ids are made of.
        shown_id = re.sub(r"[^A-Z0-9-]", "", claim_id.upper())[:40]
        return form_error(request, fragment="_retract_form.html", page_title="Retract a claim",
                          block_id=f"retract-{shown_id}", status=err.status,
                          context={"claim": {"id": shown_id}, "form": form, "error": err,
                                   "invalid": form.invalid(err)})
    return RedirectResponse(f"/entities/{claim.entity_id}#claim-{claim.id}", status_code=303)
