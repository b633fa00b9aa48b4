"""POST /api/v1/contacts/bulk: each contact stored as a single create stores it, all or nothing."""

from __future__ import annotations

import pytest

from crm_platform.db.bulk import insert_rows
from crm_platform.db.engine import SQLiteEngine
from crm_platform.db.raw import fetch
from crm_platform.db.unit import unit_of_work


def person(number: int, **fields):
    return {
        "given_name": f"Grace{number}",
        "family_name": "Hopper",
        "emails": [{"address": f"grace{number}@navy.example"}],
        "phones": [{"number": f"+1 415 555 {2600 + number}"}],
        "tags": ["VIP", "cobol"],
        "lifecycle_stage": "prospect",
        **fields,
    }


def comparable(contact: dict) -> dict:
    return {key: value for key, value in contact.items() if key not in ("id", "created_at", "updated_at",
                                                                           "lifecycle_changed_at")}


async def test_a_bulk_contact_reads_back_as_a_single_create_would_store_it(crm_client):
    single = (await crm_client.post("/api/v1/contacts", json=person(0))).json()
    response = await crm_client.post("/api/v1/contacts/bulk", json={"contacts": [person(1), person(2), person(3)]})
    assert response.status_code == 201, response.text
    ids = response.json()["ids"]
    assert response.json()["created"] == 3

    bulk = (await crm_client.get(f"/api/v1/contacts/{ids[0]}")).json()
    assert comparable(bulk) == {
        **comparable(single),
        "given_name": "Grace1",
        "display_name": "Grace1 Hopper",
        "primary_email": "grace1@navy.example",
        "emails": [{"address": "grace1@navy.example", "label": "work"}],
        "phones": [{"number": "+14155552601", "label": "work"}],
    }

    single_history = (await crm_client.get(f"/api/v1/contacts/{single['id']}/history")).json()["items"]
    bulk_history = (await crm_client.get(f"/api/v1/contacts/{ids[0]}/history")).json()["items"]
    assert [entry["action"] for entry in bulk_history] == ["create"]
    assert set(bulk_history[0]["changes"]) == set(single_history[0]["changes"])
    assert bulk_history[0]["changes"]["tags"] == {"from": None, "to": ["vip", "cobol"]}

    tagged = (await crm_client.get("/api/v1/contacts", params={"tag": "cobol", "lifecycle_stage": "prospect"})).json()
    assert {item["id"] for item in tagged["items"]} == {single["id"], *ids}

    for query, expected in (("grace2@navy", ids[1]), ("4155552603", ids[2]), ("Grace3 Hop", ids[2])):
        hits = (await crm_client.get("/api/v1/search", params={"q": query})).json()
        assert [hit["id"] for hit in hits["items"] if hit["kind"] == "contact"] == [expected], query


async def test_ids_come_back_in_the_order_the_contacts_were_sent(crm_client):
    # The contacts are written in email order (the unique index is cheaper to keep that way);
    # the answer still pairs each id with the contact sent at its position.
    sent = [person(number, emails=[{"address": f"{name}@navy.example"}]) for number, name in enumerate(
        ("zed", "mike", "adam", "olga", "bert"))]
    response = await crm_client.post("/api/v1/contacts/bulk", json={"contacts": sent})
    assert response.status_code == 201, response.text
    for contact, contact_id in zip(sent, response.json()["ids"], strict=True):
        stored = (await crm_client.get(f"/api/v1/contacts/{contact_id}")).json()
        assert stored["primary_email"] == contact["emails"][0]["address"]
        assert stored["given_name"] == contact["given_name"]


async def test_one_invalid_contact_fails_the_whole_bulk_naming_it(crm_client):
    bad = person(2, emails=[{"address": "not-an-email"}], lifecycle_stage="friend")
    response = await crm_client.post("/api/v1/contacts/bulk", json={"contacts": [person(1), bad, person(3)]})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"contacts[1].emails[0].address", "contacts[1].lifecycle_stage"}
    assert (await crm_client.get("/api/v1/contacts")).json()["items"] == []


async def test_a_bulk_repeating_a_stored_email_is_a_409_naming_the_contact_and_writes_nothing(crm_client):
    first = (await crm_client.post("/api/v1/contacts", json=person(7))).json()
    response = await crm_client.post("/api/v1/contacts/bulk", json={"contacts": [person(1), person(7)]})
    assert response.status_code == 409
    assert response.json()["existing_id"] == first["id"]
    listed = (await crm_client.get("/api/v1/contacts")).json()["items"]
    assert [item["id"] for item in listed] == [first["id"]]
    hits = (await crm_client.get("/api/v1/search", params={"q": "grace1"})).json()["items"]
    assert hits == []


async def test_a_bulk_of_more_than_1000_is_refused(crm_client):
    response = await crm_client.post("/api/v1/contacts/bulk", json={"contacts": [{"given_name": "X"}] * 1001})
    assert response.status_code == 422
    assert "contacts" in response.text


async def test_rows_beyond_one_statement_are_split_and_a_failure_in_any_part_writes_nothing(
    crm_client, crm_engine, monkeypatch
):
    # On SQLite: 3 rows of 2 columns per statement. PostgreSQL sends the rows with executemany.
    monkeypatch.setattr(SQLiteEngine, "max_variables", property(lambda engine: 6))
    columns = ("display_name", "primary_email")
    rows = [(f"Row {number}", f"row{number}@example.com") for number in range(8)]

    async with unit_of_work():
        before = crm_engine.statements_run
        await insert_rows("crm_contact", columns, rows)
        assert crm_engine.statements_run - before == (3 if isinstance(crm_engine, SQLiteEngine) else 1)
    stored = await fetch("SELECT display_name FROM crm_contact ORDER BY id")
    assert [row["display_name"] for row in stored] == [name for name, _ in rows]

    # The last statement repeats a stored email: the first two, already run, are undone too.
    again = [(f"New {number}", f"new{number}@example.com") for number in range(6)] + [("Dup", "row0@example.com")]
    with pytest.raises(Exception, match="(?i)unique"):
        async with unit_of_work():
            await insert_rows("crm_contact", columns, again)
    assert len(await fetch("SELECT id FROM crm_contact")) == len(rows)


async def test_values_every_row_shares_are_stored_in_each_row(crm_client, crm_engine, monkeypatch):
    # On SQLite: 6 variables, 2 of them the shared values, so 2 rows of 2 columns per statement.
    monkeypatch.setattr(SQLiteEngine, "max_variables", property(lambda engine: 6))
    rows = [(f"Row {number}", f"row{number}@example.com") for number in range(5)]

    async with unit_of_work():
        before = crm_engine.statements_run
        await insert_rows("crm_contact", ("display_name", "primary_email"), rows, {"source": "import", "job_title": "CTO"})
        assert crm_engine.statements_run - before == (3 if isinstance(crm_engine, SQLiteEngine) else 1)
    stored = await fetch("SELECT display_name, primary_email, source, job_title FROM crm_contact ORDER BY id")
    assert [tuple(row.values()) for row in stored] == [(*row, "import", "CTO") for row in rows]
