"""A person's data across the core and the plugins: the subject access export holds all of it,
and an erasure leaves none of it in any table, with a tombstone in the audit log."""

from __future__ import annotations

import json

import pytest

from crm_platform.db.raw import fetch
from crm_platform.toolkit import Identity, add_identities

pytestmark = pytest.mark.postgres

SURNAME = "Quillfeather"
EMAIL = "zora.quillfeather@example.org"


@pytest.fixture
def crm_plugins():
    return ["sales", "desk", "healthcare", "retail"]


async def _person(client) -> dict:
    response = await client.post("/api/v1/contacts", json={
        "given_name": "Zora", "family_name": SURNAME, "emails": [{"address": EMAIL, "label": "work"}],
        "job_title": "Quillfeather consultant"})
    assert response.status_code == 201, response.text
    contact = response.json()
    assert await add_identities(contact["id"], [Identity("handle", "zquillfeather", "instagram")]) == 1
    other = (await client.post("/api/v1/contacts", json={"given_name": "Otto", "family_name": "Other"})).json()
    for body in (
        {"type": "note", "subject": "Met Zora Quillfeather", "body": "Quillfeather likes tea",
         "links": [{"record_type": "contact", "record_id": contact["id"]}]},
        {"type": "call", "subject": "Call with Otto and Zora", "participant_ids": [contact["id"], other["id"]]},
    ):
        assert (await client.post("/api/v1/activities", json=body)).status_code == 201
    assert (await client.post("/api/v1/sales/deals", json={
        "title": "Renewal", "contacts": [{"contact_id": contact["id"], "role": "decision_maker"}]})).status_code == 201
    assert (await client.post("/api/v1/desk/tickets", json={
        "subject": "Quillfeather cannot sign in", "description": "Zora Quillfeather wrote in",
        "requester_id": contact["id"]})).status_code == 201
    assert (await client.post("/api/v1/healthcare/notes", json={
        "patient_id": contact["id"], "body": "Quillfeather: allergic to penicillin"})).status_code == 201
    assert (await client.post("/api/v1/retail/orders", json={
        "number": "1001", "contact_id": contact["id"], "currency": "EUR", "customer_email": EMAIL,
        "lines": [{"product": "Mug", "quantity": 1, "unit_price": "9.50"}]})).status_code == 201
    return contact


async def _tables_holding(text: str) -> list[str]:
    """Every table (core, plugins, search index) with a row whose text holds ``text``."""
    names = await fetch("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "AND name NOT LIKE '%fts_%'") if await _is_sqlite() else await fetch(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
    holding = []
    for name in sorted(row["name"] for row in names):
        rows = await fetch(f'SELECT * FROM "{name}"')
        if text.lower() in json.dumps(rows, default=str).lower():
            holding.append(name)
    return holding


async def _is_sqlite() -> bool:
    from crm_platform import runtime
    from crm_platform.db.engine import is_sqlite

    return is_sqlite(runtime.current().engine)


@pytest.mark.exercises("crm_personal_data")
async def test_the_subject_access_export_holds_the_core_and_every_plugins_data(crm_client):
    contact = await _person(crm_client)
    response = await crm_client.get(f"/api/v1/contacts/{contact['id']}/personal-data")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == f'attachment; filename="contact-{contact["id"]}.json"'
    document = response.json()
    assert document["contact"]["family_name"] == SURNAME
    assert [identity["value"] for identity in document["identities"]] == ["zquillfeather"]
    assert {activity["subject"] for activity in document["activities"]} == {
        "Met Zora Quillfeather", "Call with Otto and Zora"}
    plugins = document["plugins"]
    assert plugins["sales.deal_contacts"]["rows"][0]["title"] == "Renewal"
    assert plugins["desk.tickets"]["rows"][0]["subject"] == "Quillfeather cannot sign in"
    assert plugins["healthcare.notes"]["rows"][0]["body"] == "Quillfeather: allergic to penicillin"
    assert plugins["retail.orders"]["rows"][0]["customer_email"] == EMAIL
    history = await crm_client.get(f"/api/v1/contacts/{contact['id']}/history")
    assert history.json()["items"][0]["action"] == "export"


async def test_only_admins_may_export_or_erase(crm_running_app, crm_client, crm_manager_client):
    contact = await _person(crm_client)
    assert (await crm_manager_client.get(f"/api/v1/contacts/{contact['id']}/personal-data")).status_code == 403
    erase = await crm_manager_client.post(f"/api/v1/contacts/{contact['id']}/erase",
                                          json={"confirm": "Zora Quillfeather"})
    assert erase.status_code == 403
    assert (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).status_code == 200


async def test_an_erasure_needs_the_contacts_name_and_otherwise_erases_nothing(crm_client):
    contact = await _person(crm_client)
    response = await crm_client.post(f"/api/v1/contacts/{contact['id']}/erase", json={"confirm": "Zora"})
    assert response.status_code == 422
    assert "confirm" in response.json()["errors"]
    assert (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).status_code == 200


async def test_after_an_erasure_no_table_holds_anything_of_the_person(crm_client):
    contact = await _person(crm_client)
    assert {"crm_contact", "crm_activity", "desk_ticket", "healthcare_note"} <= set(await _tables_holding(SURNAME))
    response = await crm_client.post(f"/api/v1/contacts/{contact['id']}/erase", json={"confirm": "Zora Quillfeather"})
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["desk.tickets"] == 1
    assert await _tables_holding(SURNAME) == []
    assert await _tables_holding(EMAIL) == []
    assert (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).status_code == 404
    assert (await crm_client.get("/api/v1/search", params={"q": SURNAME})).json()["items"] == []
    trash = (await crm_client.get("/api/v1/trash")).json()["items"]
    assert all(entry["record_id"] != contact["id"] or entry["kind"] != "contact" for entry in trash)
    tombstone = await fetch("SELECT action, changes FROM crm_audit_entry WHERE record_type = 'contact' "
                            "AND record_id = {}", contact["id"])
    assert [row["action"] for row in tombstone] == ["erase"]
    # The other person keeps the call, and the deal and the order stay for the books.
    otto_call = await fetch("SELECT subject FROM crm_activity WHERE subject = {}", "Call with Otto and Zora")
    assert len(otto_call) == 1
    assert len(await fetch("SELECT id FROM sales_deal WHERE title = 'Renewal'")) == 1
    assert len(await fetch("SELECT id FROM retail_order WHERE number = '1001' AND contact IS NULL")) == 1


async def test_the_command_exports_and_erases_a_person(crm_client, crm_cli, tmp_path):
    contact = await _person(crm_client)
    exported = crm_cli("privacy", "export", str(contact["id"]), "--output", str(tmp_path / "zora.json"))
    assert exported.exit_code == 0, exported.output
    document = json.loads((tmp_path / "zora.json").read_text())
    assert document["plugins"]["healthcare.notes"]["rows"][0]["body"] == "Quillfeather: allergic to penicillin"
    refused = crm_cli("privacy", "erase", str(contact["id"]), input="Someone else\n")
    assert refused.exit_code != 0 and "name" in refused.output
    erased = crm_cli("privacy", "erase", str(contact["id"]), "--confirm", "Zora Quillfeather")
    assert erased.exit_code == 0, erased.output
    assert f"erased contact {contact['id']}" in erased.output
    assert await _tables_holding(EMAIL) == []


async def test_consent_is_recorded_withdrawn_in_one_more_row_and_kept_as_a_ledger(crm_client):
    contact = await _person(crm_client)
    url = f"/api/v1/contacts/{contact['id']}/consents"
    given = await crm_client.post(url, json={"purpose": "Newsletter", "granted": True, "channel": "email",
                                             "source": "signup form", "text_version": "2026-11"})
    assert given.status_code == 201, given.text
    assert given.json()["purpose"] == "newsletter"
    assert (await crm_client.post(url, json={"purpose": "newsletter", "granted": False, "channel": "email",
                                             "source": "unsubscribe link"})).status_code == 201
    ledger = (await crm_client.get(url)).json()
    assert [(row["purpose"], row["granted"], row["source"]) for row in ledger["current"]] == [
        ("newsletter", False, "unsubscribe link")]
    assert [row["granted"] for row in ledger["items"]] == [False, True]
    bad = await crm_client.post(url, json={"purpose": " ", "granted": True, "channel": "fax"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"purpose", "channel"}
    document = (await crm_client.get(f"/api/v1/contacts/{contact['id']}/personal-data")).json()
    assert [row["source"] for row in document["consents"]] == ["signup form", "unsubscribe link"]
    erased = await crm_client.post(f"/api/v1/contacts/{contact['id']}/erase", json={"confirm": "Zora Quillfeather"})
    assert erased.status_code == 200
    assert await fetch("SELECT id FROM crm_consent") == []
