"""Toolkit for plugins that keep sets of records: count and page the records of a kind that
match a list's filters, as the user may see them."""

from __future__ import annotations

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
