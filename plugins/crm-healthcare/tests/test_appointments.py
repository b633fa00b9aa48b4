"""Appointments: booked on a patient's timeline, marked attended, no-show or cancelled, listed in
the no-show report (page and CSV), and their bookers reminded through notifications."""

from __future__ import annotations

import csv
import datetime as dt
import io

from crm_platform.toolkit import fetch

APPOINTMENTS = "/api/v1/healthcare/appointments"


async def _book(client, patient_id: int, starts_at: str = "2030-05-01T09:30:00Z", **fields) -> dict:
    response = await client.post(APPOINTMENTS, json={
        "patient_id": patient_id, "starts_at": starts_at, "provider": "Dr. Who", "location": "Room 1", **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_booked_appointment_is_on_the_patients_timeline(crm_client, make_patient):
    patient = await make_patient()
    booked = await _book(crm_client, patient["id"])
    assert booked["status"] == "booked"
    timeline = (await crm_client.get(f"/api/v1/contacts/{patient['id']}/timeline")).json()
    items = timeline["items"] if isinstance(timeline, dict) else timeline
    assert [(item["kind"], item["title"]) for item in items] == [("healthcare_appointment", "Appointment with Dr. Who at Room 1")]


async def test_bad_input_is_a_422_naming_the_field(crm_client, make_patient):
    patient = await make_patient()
    response = await crm_client.post(APPOINTMENTS, json={"patient_id": patient["id"], "starts_at": "soon",
                                                         "provider": " "})
    assert response.status_code == 422
    body = response.text
    assert "starts_at" in body and "provider" in body
    booked = await _book(crm_client, patient["id"])
    wrong = await crm_client.patch(f"{APPOINTMENTS}/{booked['id']}", json={"status": "vanished"})
    assert wrong.status_code == 422 and "status" in wrong.text
    missing = await crm_client.post(APPOINTMENTS, json={"patient_id": 999, "starts_at": "2030-01-01T00:00:00Z",
                                                        "provider": "Dr. Who"})
    assert missing.status_code == 422 and "patient_id" in missing.text


async def test_a_no_show_is_on_the_report_and_its_csv(crm_client, web_client, make_patient):
    ann = await make_patient(given_name="Ann")
    bob = await make_patient(given_name="Bob")
    missed = await _book(crm_client, ann["id"], "2030-05-01T09:30:00Z")
    kept = await _book(crm_client, bob["id"], "2030-05-02T09:30:00Z")
    assert (await crm_client.patch(f"{APPOINTMENTS}/{missed['id']}", json={"status": "no_show"})).status_code == 200
    assert (await crm_client.patch(f"{APPOINTMENTS}/{kept['id']}", json={"status": "attended"})).status_code == 200
    report = (await crm_client.get("/api/v1/healthcare/no-shows")).json()
    assert [(row["patient_name"], row["status"]) for row in report["items"]] == [("Ann Test", "no_show")]
    page = await web_client.get("/healthcare/no-shows")
    assert "Ann Test" in page.text and "Bob Test" not in page.text
    exported = await web_client.get("/healthcare/no-shows", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(row["patient"], row["provider"], row["status"]) for row in rows] == [("Ann Test", "Dr. Who", "no_show")]


async def test_the_booker_is_reminded_once_before_the_appointment(crm_client, crm_clock, crm_run_jobs, make_patient):
    crm_clock.set(dt.datetime(2030, 5, 1, 8, 0, tzinfo=dt.UTC))
    patient = await make_patient(given_name="Ann")
    await _book(crm_client, patient["id"], "2030-05-02T12:00:00Z")  # 28 hours away: not yet
    await crm_run_jobs()
    assert (await crm_client.get("/api/v1/notifications")).json()["items"] == []
    crm_clock.set(dt.datetime(2030, 5, 1, 12, 15, tzinfo=dt.UTC))  # within the 24 hours
    outcomes = [o for o in await crm_run_jobs() if o.job_name == "healthcare.appointment_reminders"]
    assert outcomes and all(o.ok for o in outcomes), outcomes
    [note] = (await crm_client.get("/api/v1/notifications")).json()["items"]
    assert note["subject"] == "Appointment: Ann Test, 2030-05-02 12:00 UTC"
    crm_clock.advance(minutes=15)
    await crm_run_jobs()
    assert len((await crm_client.get("/api/v1/notifications")).json()["items"]) == 1


async def test_the_booking_form_names_what_was_wrong(web_client, make_patient):
    patient = await make_patient()
    page = await web_client.get(f"/contacts/{patient['id']}")
    answer = await web_client.post(f"/healthcare/patients/{patient['id']}/appointments", data={
        "starts_at": "whenever", "provider": "", "_csrf_token": web_client.csrf(page.text)}, follow_redirects=True)
    assert answer.status_code == 200
    assert "provider: must not be empty" in answer.text and "starts_at: must be a date and time" in answer.text


async def test_an_appointment_follows_its_activity_to_the_trash_and_back(
    crm_client, crm_clock, crm_run_jobs, make_patient
):
    patient = await make_patient()
    booked = await _book(crm_client, patient["id"])
    assert (await crm_client.patch(f"{APPOINTMENTS}/{booked['id']}", json={"status": "no_show"})).status_code == 200
    assert (await crm_client.delete(f"/api/v1/activities/{booked['activity_id']}")).status_code == 204
    assert (await crm_client.get(f"{APPOINTMENTS}/{booked['id']}")).status_code == 404
    assert (await crm_client.get(APPOINTMENTS)).json()["items"] == []

    [entry] = (await crm_client.get("/api/v1/trash", params={"kind": "activity"})).json()["items"]
    assert (await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")).status_code == 200
    back = (await crm_client.get(f"{APPOINTMENTS}/{booked['id']}")).json()
    assert (back["provider"], back["location"], back["status"]) == ("Dr. Who", "Room 1", "no_show")

    await crm_client.delete(f"/api/v1/activities/{booked['activity_id']}")
    crm_clock.set(crm_clock.now().replace(hour=3, minute=17) + dt.timedelta(days=31))
    outcomes = [o for o in await crm_run_jobs() if o.job_name == "healthcare.appointments_purge"]
    assert outcomes and all(o.ok for o in outcomes), outcomes
    assert await fetch("SELECT id FROM healthcare_appointment") == []
