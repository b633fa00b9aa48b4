"""The read audit: who read what of a patient, when and from where; the member id masked unless
asked for by a user who may see it, and that request audited."""

from __future__ import annotations

NOTES = "/api/v1/healthcare/notes"


async def _reads(client, patient_id: int) -> list[tuple[str, str, str]]:
    response = await client.get(f"/api/v1/healthcare/patients/{patient_id}/reads")
    assert response.status_code == 200, response.text
    return [(row["what"], row["surface"], row["client"]) for row in response.json()["items"]]


async def test_the_member_id_is_masked_in_the_api_and_lists(crm_client, make_patient):
    patient = await make_patient()
    assert patient["custom"]["healthcare_member_id"] == "MEM-123456"  # the write answers what was written
    read = (await crm_client.get(f"/api/v1/contacts/{patient['id']}")).json()
    assert read["custom"]["healthcare_member_id"] == "••••••••56"
    listed = (await crm_client.get("/api/v1/contacts")).json()["items"]
    assert [row["custom"]["healthcare_member_id"] for row in listed] == ["••••••••56"]


async def test_asking_to_reveal_the_member_id_shows_it_and_is_audited(crm_client, receptionist, make_patient):
    patient = await make_patient(client=receptionist)
    url = f"/api/v1/contacts/{patient['id']}"
    revealed = (await crm_client.get(url, params={"reveal": "healthcare_member_id"})).json()
    assert revealed["custom"]["healthcare_member_id"] == "MEM-123456"
    # A member does not hold healthcare.reveal: asking changes nothing.
    asked = (await receptionist.get(url, params={"reveal": "healthcare_member_id"})).json()
    assert asked["custom"]["healthcare_member_id"] == "••••••••56"
    # Newest first: the member's read, then the admin's reveal beside their read of the record.
    assert await _reads(crm_client, patient["id"]) == [
        ("patient record", "api", "127.0.0.1"), ("member id", "api", "127.0.0.1"),
        ("patient record", "api", "127.0.0.1"),
    ]


async def test_page_views_note_reads_and_exports_are_audited_with_who(
    crm_client, clinician, receptionist, make_patient, sign_in
):
    patient = await make_patient(client=clinician)
    note = (await clinician.post(NOTES, json={"patient_id": patient["id"], "body": "Private"})).json()
    async with sign_in("desk@example.com") as desk:
        page = await desk.get(f"/contacts/{patient['id']}")
        assert "MEM-123456" not in page.text and "••••••••56" in page.text  # the profile and the history
        await desk.get(f"/healthcare/notes/{note['id']}")
    await clinician.get(f"{NOTES}/export")
    rows = (await crm_client.get(f"/api/v1/healthcare/patients/{patient['id']}/reads")).json()["items"]
    seen = [(row["actor"], row["what"], row["surface"]) for row in rows]
    doc, desk_id = clinician.principal.id, receptionist.principal.id
    assert seen == [
        (doc, "clinical note", "export"),
        (desk_id, "clinical note, content hidden", "page"),
        (desk_id, "patient record", "page"),
        (doc, "clinical note", "api"),  # the answer to writing it
    ]
    assert all(row["at"] and row["client"] == "127.0.0.1" for row in rows)


async def test_only_holders_of_healthcare_audit_see_the_read_audit(receptionist, make_patient, sign_in):
    patient = await make_patient(client=receptionist)
    assert (await receptionist.get(f"/api/v1/healthcare/patients/{patient['id']}/reads")).status_code == 403
    async with sign_in("desk@example.com") as desk:
        assert (await desk.get(f"/healthcare/patients/{patient['id']}/reads")).status_code == 403


async def test_contacts_without_patient_fields_are_not_audited(crm_client):
    plain = (await crm_client.post("/api/v1/contacts", json={"given_name": "Plain"})).json()
    await crm_client.get(f"/api/v1/contacts/{plain['id']}")
    assert await _reads(crm_client, plain["id"]) == []


async def test_the_history_shows_the_member_id_masked(crm_client, make_patient):
    patient = await make_patient()
    await crm_client.patch(f"/api/v1/contacts/{patient['id']}", json={"custom": {"healthcare_member_id": "MEM-999999"}})
    history = await crm_client.get(f"/api/v1/contacts/{patient['id']}/history")
    assert history.status_code == 200
    assert "MEM-123456" not in history.text and "MEM-999999" not in history.text and "••••••••99" in history.text
    revealed = await crm_client.get(f"/api/v1/contacts/{patient['id']}/history", params={"reveal": "healthcare_member_id"})
    assert "MEM-123456" in revealed.text
    assert ("member id", "history", "127.0.0.1") in await _reads(crm_client, patient["id"])


async def test_the_merge_form_shows_member_ids_masked(web_client, make_patient):
    ann = await make_patient(given_name="Ann", healthcare_member_id="MEM-111111")
    twin = await make_patient(given_name="Ann", healthcare_member_id="MEM-222222")
    form = await web_client.get(f"/merge/contact/{ann['id']}/{twin['id']}")
    assert form.status_code == 200, form.text
    assert "MEM-111111" not in form.text and "MEM-222222" not in form.text
    assert "••••••••11" in form.text and "••••••••22" in form.text
