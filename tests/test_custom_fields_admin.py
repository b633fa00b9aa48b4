"""Admins define custom fields through the API and ``crm fields`` as in settings: checked the
same way, audited, and a removed field's values come back when it is added again."""

from __future__ import annotations

from crm_platform.db.raw import fetch


async def _audit() -> list[tuple[str, int]]:
    rows = await fetch("SELECT action, record_id FROM crm_audit_entry WHERE record_type = 'custom_field' ORDER BY seq")
    return [(row["action"], row["record_id"]) for row in rows]


async def test_an_admin_adds_a_field_a_contact_uses_removes_it_and_adds_it_back(crm_client):
    added = await crm_client.post("/api/v1/custom-fields", json={
        "record_type": "contact", "key": "tier", "kind": "choice", "choices": ["gold", "silver"]})
    assert added.status_code == 201, added.text
    field = added.json()
    assert (field["label"], field["choices"], field["defined_by"]) == ("Tier", ["gold", "silver"], "admin")

    contact = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "custom": {"tier": "gold"}})
    assert contact.status_code == 201, contact.text
    wrong = await crm_client.post("/api/v1/contacts", json={"given_name": "Bo", "custom": {"tier": "bronze"}})
    assert wrong.status_code == 422 and "custom.tier" in wrong.json()["errors"]

    listed = (await crm_client.get("/api/v1/custom-fields", params={"record_type": "contact"})).json()
    assert [(item["key"], item["kind"]) for item in listed] == [("tier", "choice")]

    removed = await crm_client.delete(f"/api/v1/custom-fields/{field['id']}")
    assert removed.status_code == 200 and removed.json()["key"] == "tier"
    assert (await crm_client.get("/api/v1/custom-fields")).json() == []
    assert (await crm_client.delete(f"/api/v1/custom-fields/{field['id']}")).status_code == 404

    again = await crm_client.post("/api/v1/custom-fields", json={
        "record_type": "contact", "key": "tier", "kind": "choice", "choices": ["gold", "silver"]})
    assert again.status_code == 201
    shown = (await crm_client.get(f"/api/v1/contacts/{contact.json()['id']}")).json()
    assert shown["custom"]["tier"] == "gold"
    assert await _audit() == [("created", field["id"]), ("deleted", field["id"]), ("created", again.json()["id"])]


async def test_bad_definitions_are_refused_naming_each_problem_and_nothing_is_stored(crm_client):
    response = await crm_client.post("/api/v1/custom-fields", json={
        "record_type": "spaceship", "key": "Bad Key", "kind": "colour"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"record_type", "key", "kind"}

    no_choices = await crm_client.post("/api/v1/custom-fields", json={"record_type": "company", "key": "size",
                                                                      "kind": "choice"})
    assert no_choices.json()["errors"] == {"choices": "list the choices"}
    pointer = await crm_client.post("/api/v1/custom-fields", json={"record_type": "company", "key": "parent",
                                                                   "kind": "record", "reference": "deal"})
    assert "contact or company" in pointer.json()["errors"]["reference"]
    unknown = await crm_client.post("/api/v1/custom-fields", json={"record_type": "company", "key": "x", "colour": 1})
    assert unknown.status_code in (400, 422) and "colour" in unknown.text

    assert (await crm_client.post("/api/v1/custom-fields", json={"record_type": "company", "key": "size"})).status_code == 201
    taken = await crm_client.post("/api/v1/custom-fields", json={"record_type": "company", "key": "size"})
    assert taken.json()["errors"] == {"key": "company already has a field size"}
    assert [item["key"] for item in (await crm_client.get("/api/v1/custom-fields")).json()] == ["size"]


async def test_members_read_the_fields_but_only_admins_change_them(crm_client, crm_member_client):
    field = (await crm_client.post("/api/v1/custom-fields", json={"record_type": "contact", "key": "vip",
                                                                  "kind": "boolean"})).json()
    assert [item["key"] for item in (await crm_member_client.get("/api/v1/custom-fields")).json()] == ["vip"]
    refused = await crm_member_client.post("/api/v1/custom-fields", json={"record_type": "contact", "key": "mine"})
    assert refused.status_code == 403
    assert (await crm_member_client.delete(f"/api/v1/custom-fields/{field['id']}")).status_code == 403
    assert [item["key"] for item in (await crm_client.get("/api/v1/custom-fields")).json()] == ["vip"]


async def test_the_command_adds_lists_and_removes_fields(crm_cli):
    added = crm_cli("fields", "add", "contact", "shoe_size", "--kind", "choice", "--choice", "38", "--choice", "42",
                    "--label", "Shoe size", "--required")
    assert added.exit_code == 0, added.output
    assert "added field shoe_size (choice) to contact" in added.output
    listing = crm_cli("fields", "list")
    assert "Shoe size" in listing.output and "choice (38, 42)" in listing.output and "required" in listing.output

    wrong = crm_cli("fields", "add", "contact", "shoe_size")
    assert wrong.exit_code != 0 and "contact already has a field shoe_size" in wrong.output
    bad = crm_cli("fields", "add", "contact", "eyes", "--kind", "colour")
    assert bad.exit_code != 0 and "kind" in bad.output

    field_id = (await fetch("SELECT id FROM crm_custom_field WHERE key = 'shoe_size'"))[0]["id"]
    removed = crm_cli("fields", "remove", str(field_id))
    assert removed.exit_code == 0 and "removed field shoe_size from contact" in removed.output
    assert "no custom fields" in crm_cli("fields", "list").output
    assert await _audit() == [("created", field_id), ("deleted", field_id)]
