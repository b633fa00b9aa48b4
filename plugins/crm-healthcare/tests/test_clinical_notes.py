"""Clinical notes: only holders of healthcare.clinical read or write the content; others who may
see the note see that it exists, in the API, the UI, search and exports. Every read is audited."""

from __future__ import annotations

import csv
import io

NOTES = "/api/v1/healthcare/notes"
SECRET = "Prescribed zanubrutinib"


async def _note(client, patient_id: int, body: str = SECRET) -> dict:
    response = await client.post(NOTES, json={"patient_id": patient_id, "body": body, "category": "consultation"})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_clinician_writes_and_reads_the_content(clinician, make_patient):
    patient = await make_patient(client=clinician)
    note = await _note(clinician, patient["id"])
    read = (await clinician.get(f"{NOTES}/{note['id']}")).json()
    assert (read["body"], read["content_hidden"]) == (SECRET, False)


async def test_a_non_clinician_sees_that_the_note_exists_not_its_content(clinician, receptionist, make_patient):
    patient = await make_patient(client=clinician)
    note = await _note(clinician, patient["id"])
    read = await receptionist.get(f"{NOTES}/{note['id']}")
    assert read.status_code == 200
    assert (read.json()["body"], read.json()["content_hidden"], read.json()["category"]) == (None, True, "consultation")
    assert SECRET not in read.text
    listed = await receptionist.get(NOTES, params={"patient_id": patient["id"]})
    assert [item["id"] for item in listed.json()["items"]] == [note["id"]] and SECRET not in listed.text
    refused = await receptionist.post(NOTES, json={"patient_id": patient["id"], "body": "My guess"})
    assert refused.status_code == 403 and "healthcare.clinical" in refused.text
    changed = await receptionist.patch(f"{NOTES}/{note['id']}", json={"body": "Changed"})
    assert changed.status_code == 403
    assert (await clinician.get(f"{NOTES}/{note['id']}")).json()["body"] == SECRET
    assert (await receptionist.delete(f"{NOTES}/{note['id']}")).status_code == 403
    assert (await clinician.delete(f"{NOTES}/{note['id']}")).status_code == 204


async def test_the_note_page_shows_the_content_to_clinicians_only(clinician, receptionist, make_patient, sign_in):
    patient = await make_patient(client=clinician)
    note = await _note(clinician, patient["id"])
    async with sign_in("doc@example.com") as doc, sign_in("desk@example.com") as desk:
        assert SECRET in (await doc.get(f"/healthcare/notes/{note['id']}")).text
        page = await desk.get(f"/healthcare/notes/{note['id']}")
        assert page.status_code == 200 and "This note exists" in page.text and SECRET not in page.text
        contact_page = await desk.get(f"/contacts/{patient['id']}")
        assert "Consultation note" in contact_page.text and SECRET not in contact_page.text


async def test_search_finds_that_a_note_exists_never_by_its_content(clinician, receptionist, make_patient):
    patient = await make_patient(client=clinician)
    await _note(clinician, patient["id"])
    by_content = await clinician.get("/api/v1/search", params={"q": "zanubrutinib"})
    assert by_content.status_code == 200 and "healthcare.note" not in by_content.text
    found = await receptionist.get("/api/v1/search", params={"q": "clinical"})
    assert "Clinical note" in found.text and SECRET not in found.text


async def test_the_export_carries_the_content_for_clinicians_only(clinician, receptionist, make_patient):
    patient = await make_patient(client=clinician)
    await _note(clinician, patient["id"])
    rows = list(csv.DictReader(io.StringIO((await clinician.get(f"{NOTES}/export")).text)))
    assert [row["content"] for row in rows] == [SECRET]
    hidden = await receptionist.get(f"{NOTES}/export")
    assert SECRET not in hidden.text
    assert [row["content"] for row in csv.DictReader(io.StringIO(hidden.text))] == ["(hidden: needs healthcare.clinical)"]


async def test_bad_input_names_the_field(clinician, make_patient):
    patient = await make_patient(client=clinician)
    response = await clinician.post(NOTES, json={"patient_id": patient["id"], "body": " ", "category": "gossip"})
    assert response.status_code == 422 and "body" in response.text and "category" in response.text
    missing = await clinician.post(NOTES, json={"patient_id": 9999, "body": "x"})
    assert missing.status_code == 422 and "patient_id" in missing.text
