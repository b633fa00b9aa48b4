"""Who sees what: members see the notes and appointments of their own team, never another's;
and the plugin's pages and forms need a sign-in and the form's CSRF token."""

from __future__ import annotations

from crm_platform.testing import assert_hidden_from, assert_names_hidden, client_for

NOTES = "/api/v1/healthcare/notes"


async def test_members_see_their_teams_notes_and_appointments_only(crm_client, receptionist, make_patient, crm_running_app,
                                                                   crm_make_user):
    assert (await crm_client.put("/api/v1/permissions/healthcare.clinical",
                                 json={"roles": ["admin", "member"]})).status_code == 200
    _, ward_token = await crm_make_user("ward@example.com", role="member", team="Ward")
    async with client_for(crm_running_app, ward_token) as ward:
        patient = await make_patient(client=receptionist, given_name="Clinic patient")
        note = (await receptionist.post(NOTES, json={"patient_id": patient["id"], "body": "Clinic only"})).json()
        booked = (await receptionist.post("/api/v1/healthcare/appointments", json={
            "patient_id": patient["id"], "starts_at": "2030-01-01T10:00:00Z", "provider": "Dr. Clinic"})).json()
        await assert_hidden_from(ward, f"{NOTES}/{note['id']}", "Clinic only")
        await assert_hidden_from(ward, f"/api/v1/healthcare/appointments/{booked['id']}", "Dr. Clinic")
        assert (await ward.get(NOTES)).json()["items"] == []
        await assert_names_hidden(ward, "/api/v1/healthcare/appointments", "Dr. Clinic", "Clinic patient")
        refused = await ward.patch(f"/api/v1/healthcare/appointments/{booked['id']}", json={"status": "no_show"})
        assert refused.status_code in (403, 404)
        wrong = await ward.post(NOTES, json={"patient_id": patient["id"], "body": "Not mine"})
        assert wrong.status_code == 422 and "patient_id" in wrong.text
    # The same team sees both.
    assert (await receptionist.get(f"{NOTES}/{note['id']}")).json()["body"] == "Clinic only"


async def test_the_pages_need_a_sign_in_and_the_forms_a_csrf_token(crm_running_app, crm_client, make_patient, sign_in):
    patient = await make_patient()
    async with client_for(crm_running_app) as anonymous:
        page = await anonymous.get("/healthcare/no-shows")
        assert page.status_code in (302, 303, 401) and "No-show report" not in page.text
    async with sign_in("admin@example.com") as admin:
        refused = await admin.post(f"/healthcare/patients/{patient['id']}/appointments", data={
            "starts_at": "2030-01-01T10:00", "provider": "Dr. Who"})
        assert refused.status_code == 403
    assert (await crm_client.get("/api/v1/healthcare/appointments")).json()["items"] == []
