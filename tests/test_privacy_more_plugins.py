"""The conversations, automation and real estate plugins' declarations: their rows about a
person (messages, lead scores, sequence enrolments, wishes) are in the export and gone after
the erasure; a message shared with someone else stays theirs."""

from __future__ import annotations

import pytest
from crm_automation.tables import Enrolment, Score, Sequence
from crm_conversations.tables import Message
from crm_realestate.tables import Wish

from crm_platform.db.raw import fetch

pytestmark = pytest.mark.postgres


@pytest.fixture
def crm_plugins():
    return ["conversations", "automation", "realestate"]


async def _contact(client, given, family):
    response = await client.post("/api/v1/contacts", json={"given_name": given, "family_name": family})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_messages_scores_and_wishes_are_exported_and_erased(crm_client):
    ivy, other = await _contact(crm_client, "Ivy", "Marchbank"), await _contact(crm_client, "Olaf", "Other")
    await Message.insert(
        Message(key="m1", subject="Marchbank's question", sender="ivy@example.org", contact_ids=[ivy]),
        Message(key="m2", subject="Both of them", sender="olaf@example.org", contact_ids=[ivy, other]),
        Message(key="m3", subject="Only Olaf", sender="olaf@example.org", contact_ids=[other]),
    )
    await Score.insert(Score(contact=ivy, score=42, why=["opened"]))
    sequence = (await Sequence.insert(Sequence(name="Welcome cadence")).returning(Sequence.id))[0]["id"]
    await Enrolment.insert(Enrolment(sequence=sequence, contact=ivy, position=1),
                           Enrolment(sequence=sequence, contact=other))
    await Wish.insert(Wish(contact_id=ivy, seeks="for_sale", area_key="harbour", type="flat",
                           budget_min=100000, budget_max=200000))

    document = (await crm_client.get(f"/api/v1/contacts/{ivy}/personal-data")).json()["plugins"]
    assert [row["subject"] for row in document["conversations.messages"]["rows"]] == [
        "Marchbank's question", "Both of them"]
    assert document["automation.score"]["rows"][0]["score"] == 42
    assert [(row["sequence"], row["position"]) for row in document["automation.enrolments"]["rows"]] == [
        ("Welcome cadence", 1)]
    assert document["realestate.wishes"]["rows"][0]["area_key"] == "harbour"

    erased = await crm_client.post(f"/api/v1/contacts/{ivy}/erase", json={"confirm": "Ivy Marchbank"})
    assert erased.status_code == 200, erased.text
    messages = await fetch("SELECT key, contact_ids FROM conversations_message ORDER BY key")
    assert [row["key"] for row in messages] == ["m2", "m3"]
    assert "Marchbank" not in str(await fetch("SELECT subject FROM conversations_message"))
    assert await fetch("SELECT id FROM automation_score") == []
    assert await fetch("SELECT contact FROM automation_enrolment") == [{"contact": other}]
    assert await fetch("SELECT id FROM realestate_wish") == []
    olaf = (await crm_client.get(f"/api/v1/contacts/{other}/personal-data")).json()["plugins"]
    assert [row["subject"] for row in olaf["conversations.messages"]["rows"]] == ["Both of them", "Only Olaf"]
