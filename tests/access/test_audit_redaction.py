"""The audit log obeys need-to-know: events in a compartment the reader is not cleared for
show who did what kind of thing and when, but not the record or its details."""

from __future__ import annotations

from dastavez.access.audit import list_events
from dastavez.registry.claims import add_claim
from dastavez.registry.records import add_person


def test_uncleared_auditor_sees_that_something_happened_but_not_what(db, make_actor):
    cleared_analyst = make_actor("analyst", clearances=["HUMINT-7"])
    auditor = make_actor("auditor")
    cleared_auditor = make_actor("auditor", clearances=["HUMINT-7"])
    with db.write() as s:
        person = add_person(s, cleared_analyst, name="Zarak Khan Bloch")
        claim, _ = add_claim(s, cleared_analyst, entity_id=person.id, prop="alias", value="Source Kestrel",
                             compartment="HUMINT-7")

    with db.write() as s:
        events = list_events(s, auditor, action="claim.add").events
    hidden = [e for e in events if e["compartment"] == "HUMINT-7"]
    assert hidden, "the event itself must stay visible to oversight"
    assert hidden[0]["actor"] == cleared_analyst.username
    assert hidden[0]["redacted"] is True
    assert hidden[0]["target_id"] is None and hidden[0]["detail"] == {}
    assert "Source Kestrel" not in repr(events)

    with db.write() as s:
        events = list_events(s, cleared_auditor, action="claim.add").events
    shown = next(e for e in events if e["compartment"] == "HUMINT-7")
    assert shown["redacted"] is False
    assert shown["target_id"] == claim.id and shown["detail"]["value"] == "Source Kestrel"


def test_logout_is_audited(db, make_actor, settings):
    from dastavez.access.authn import close_web_session, open_web_session
    from dastavez.storage.tables import User

    analyst = make_actor("analyst", interface="web")
    with db.write() as s:
        opened = open_web_session(s, settings, user=s.get(User, analyst.user_id), client="127.0.0.1")
    with db.write() as s:
        close_web_session(s, analyst, token=opened.token)
    auditor = make_actor("auditor")
    with db.write() as s:
        events = list_events(s, auditor, action="logout").events
    assert [(e["actor"], e["interface"]) for e in events] == [(analyst.username, "web")]
