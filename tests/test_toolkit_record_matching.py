"""Toolkit for plugins that keep sets of records: count and page the records of a kind that
match a list's filters, as the user may see them."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_platform import toolkit


async def _contact(client, name: str, **fields) -> int:
    response = await client.post("/api/v1/contacts", json={"given_name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.mark.postgres
async def test_records_matching_a_filter_are_counted_and_paged_as_the_user_sees_them(
        crm_client, crm_member_client, crm_admin, crm_member):
    ann = await _contact(crm_client, "Ann", lifecycle_stage="lead", tags=["vip"])
    bob = await _contact(crm_client, "Bob", lifecycle_stage="lead")
    mine = await _contact(crm_member_client, "Mia", lifecycle_stage="lead", tags=["vip"])
    await _contact(crm_client, "Cy", lifecycle_stage="customer", tags=["vip"])
    admin, member = crm_admin[0], crm_member[0]
    leads = toolkit.RecordFilter(equals={"lifecycle_stage": "lead"})
    assert await toolkit.count_records(admin, "contact", leads) == 3
    assert await toolkit.count_records(member, "contact", leads) == 1
    vip_leads = toolkit.RecordFilter(tag="vip", equals={"lifecycle_stage": "lead"})
    assert await toolkit.count_records(admin, "contact", vip_leads) == 2
    assert await toolkit.count_records(admin, "contact", toolkit.RecordFilter(ids=(ann, bob, 999))) == 2
    assert await toolkit.count_records(admin, "contact", toolkit.RecordFilter(ids=())) == 0

    rows, cursor = await toolkit.list_records(admin, "contact", leads, limit=2)
    assert [row["id"] for row in rows] == [ann, bob] and cursor
    rows, cursor = await toolkit.list_records(admin, "contact", leads, limit=2, cursor=cursor)
    assert [row["id"] for row in rows] == [mine] and cursor is None
    assert isinstance(rows[0]["tags"], list)  # JSON columns decoded


async def test_a_wrong_filter_names_what_is_wrong(crm_client, crm_admin):
    with pytest.raises(toolkit.Invalid) as caught:
        await toolkit.count_records(crm_admin[0], "contact", toolkit.RecordFilter(equals={"shoe_size": 3}))
    assert caught.value.errors == {"equals.shoe_size": "is not a field of contact"}
    with pytest.raises(toolkit.Invalid) as caught:
        await toolkit.count_records(crm_admin[0], "contact", toolkit.RecordFilter(custom=("colour:eq:red",)))
    assert set(caught.value.errors) == {"custom.colour"}
    with pytest.raises(toolkit.Invalid) as caught:
        await toolkit.list_records(crm_admin[0], "contact", toolkit.RecordFilter(), sort="shoe_size")
    assert set(caught.value.errors) == {"sort"}


@pytest.mark.postgres
async def test_records_are_found_by_a_column_range_and_by_silence_on_their_timeline(
        crm_client, crm_admin, crm_clock):
    admin = crm_admin[0]
    start = crm_clock.set(dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC))
    quiet = await _contact(crm_client, "Quiet")
    spoken = await _contact(crm_client, "Spoken")
    crm_clock.advance(days=10)
    fresh = await _contact(crm_client, "Fresh")
    response = await crm_client.post("/api/v1/activities", json={
        "type": "call", "subject": "Catch-up", "links": [{"record_type": "contact", "record_id": spoken}]})
    assert response.status_code == 201, response.text
    cutoff = start + dt.timedelta(days=5)
    silent = toolkit.RecordFilter(inactive_since=cutoff, between={"created_at": (None, cutoff)})
    rows, _ = await toolkit.list_records(admin, "contact", silent)
    assert [row["id"] for row in rows] == [quiet]
    everyone = toolkit.RecordFilter(between={"created_at": (start, None)})
    assert await toolkit.count_records(admin, "contact", everyone) == 3
    later = toolkit.RecordFilter(between={"created_at": (cutoff, None)})
    assert [row["id"] for row in (await toolkit.list_records(admin, "contact", later))[0]] == [fresh]
    await toolkit.execute("CREATE TABLE IF NOT EXISTS test_seen (record_id INTEGER)")
    await toolkit.execute("DELETE FROM test_seen")
    await toolkit.execute("INSERT INTO test_seen (record_id) VALUES ({})", quiet)
    unseen = toolkit.RecordFilter(between={"created_at": (start, None)},
                                  id_not_in="SELECT record_id FROM test_seen WHERE record_id > {}", id_not_in_args=(0,))
    assert await toolkit.count_records(admin, "contact", unseen) == 2
    with pytest.raises(toolkit.Invalid) as caught:
        await toolkit.count_records(admin, "contact", toolkit.RecordFilter(between={"birthday": (None, start)}))
    assert caught.value.errors == {"between.birthday": "is not a field of contact"}


@pytest.mark.postgres
async def test_open_task_counts_say_who_has_the_least_to_do(crm_client, crm_admin, crm_member):
    admin, member = crm_admin[0], crm_member[0]
    due = toolkit.now() + dt.timedelta(days=1)
    for subject in ("One", "Two"):
        await toolkit.create_task(admin, subject, due, assignee_id=admin.id)
    done = await toolkit.create_task(admin, "Done", due, assignee_id=member.id)
    await crm_client.patch(f"/api/v1/activities/{done['id']}", json={"done": True})
    assert await toolkit.open_task_counts([admin.id, member.id]) == {admin.id: 2, member.id: 0}
    assert await toolkit.open_task_counts([]) == {}
