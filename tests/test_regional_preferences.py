"""Regional preferences: the instance's defaults (core settings) and each user's own choices
of phone region, currency, time zone, date format, number format and first day of the week,
through the API, checked, audited, and in force on what the user writes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crm_platform.audit.service import history
from crm_platform.regional import preferences
from crm_platform.regional.formatting import format_amount, format_date, format_number, parse_amount


def _regional(**chosen: str) -> preferences.Regional:
    values = {"phone_region": "US", "currency": "EUR", "time_zone": "", "date_format": "D MMM YYYY",
              "number_format": "1,234.56", "week_start": "monday"}
    return preferences.Regional(**(values | chosen))


@pytest.mark.parametrize(("text", "number_format", "expected"), [
    ("1,200.50", "1,234.56", "1200.50"),
    ("1200.50", "1.234,56", "1200.50"),
    ("1.200,50", "1.234,56", "1200.50"),
    ("1 200,50", "1 234,56", "1200.50"),
    ("1'200.50", "1'234.56", "1200.50"),
    (" 75 ", "1,234.56", "75"),
])
def test_an_amount_is_read_in_the_users_number_format(text, number_format, expected):
    assert parse_amount(text, _regional(number_format=number_format)) == Decimal(expected)


def test_an_amount_that_is_not_one_names_the_format_expected():
    with pytest.raises(ValueError, match=r"like 1\.200,50"):
        parse_amount("12,00,0.5x", _regional(number_format="1.234,56"))


def test_numbers_dates_and_amounts_are_written_in_the_users_format():
    import datetime as dt

    german = _regional(number_format="1.234,56", date_format="DD.MM.YYYY")
    assert format_number(Decimal("1200.5"), german) == "1.200,50"
    assert format_amount(Decimal("1200.5"), "EUR", german) == "1.200,50\xa0€"
    assert format_date(dt.date(2026, 3, 5), german) == "05.03.2026"
    assert format_date(dt.date(2026, 3, 5), _regional()) == "5 Mar 2026"
    assert format_date(dt.date(2026, 3, 5), _regional(date_format="MM/DD/YYYY")) == "03/05/2026"


async def test_the_instance_defaults_are_core_settings(crm_client):
    response = await crm_client.get("/api/v1/settings/core")
    assert response.status_code == 200
    found = {item["key"]: item for item in response.json()}
    assert set(preferences.KEYS) <= set(found)
    assert found["currency"]["value"] == "EUR"
    assert "Europe/Berlin" in found["time_zone"]["choices"]
    changed = await crm_client.put("/api/v1/settings/core/week_start", json={"value": "sunday"})
    assert changed.status_code == 200
    refused = await crm_client.put("/api/v1/settings/core/time_zone", json={"value": "Mars/Olympus"})
    assert refused.status_code == 422
    assert "Mars/Olympus" in refused.json()["errors"]["value"]


async def test_a_user_sees_the_instance_defaults_until_they_choose(crm_client, crm_member_client):
    await crm_client.put("/api/v1/settings/core/date_format", json={"value": "YYYY-MM-DD"})
    mine = await crm_member_client.get("/api/v1/account/preferences")
    assert mine.status_code == 200
    assert mine.json()["date_format"] == "YYYY-MM-DD"
    assert mine.json()["own"] == []
    assert mine.json()["time_zone"] == ""  # the browser's


async def test_a_user_chooses_their_own_and_it_is_audited(crm_member_client, crm_member):
    response = await crm_member_client.put("/api/v1/account/preferences", json={
        "time_zone": "Europe/Berlin", "date_format": "DD/MM/YYYY", "phone_region": "gb"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["time_zone"], body["date_format"], body["phone_region"]) == ("Europe/Berlin", "DD/MM/YYYY", "GB")
    assert body["own"] == ["date_format", "phone_region", "time_zone"]
    again = (await crm_member_client.get("/api/v1/account/preferences")).json()
    assert again == body
    entries = [entry for entry in await history("user", crm_member[0].id) if entry["action"] == "update"]
    assert entries[-1]["changes"]["preferences"]["time_zone"] == {"from": "", "to": "Europe/Berlin"}
    back = await crm_member_client.put("/api/v1/account/preferences", json={"time_zone": None})
    assert back.json()["time_zone"] == "" and "time_zone" not in back.json()["own"]


async def test_a_preference_that_does_not_fit_is_refused_naming_it_and_nothing_is_stored(crm_member_client):
    response = await crm_member_client.put("/api/v1/account/preferences", json={
        "time_zone": "Mars/Olympus", "week_start": "friday", "currency": "USD"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "Mars/Olympus" in errors["time_zone"] and "Europe/Berlin" in errors["time_zone"]
    assert "monday, sunday, saturday" in errors["week_start"]
    assert (await crm_member_client.get("/api/v1/account/preferences")).json()["currency"] == "EUR"


async def test_only_admins_change_someone_elses_preferences(crm_client, crm_member_client, crm_member, crm_admin):
    refused = await crm_member_client.put(f"/api/v1/users/{crm_admin[0].id}/preferences", json={"currency": "USD"})
    assert refused.status_code == 403
    assert (await crm_member_client.get(f"/api/v1/users/{crm_admin[0].id}/preferences")).status_code == 403
    done = await crm_client.put(f"/api/v1/users/{crm_member[0].id}/preferences", json={"currency": "USD"})
    assert done.status_code == 200 and done.json()["currency"] == "USD"


async def test_national_phone_numbers_are_read_in_the_users_region_else_the_instances(crm_client, crm_member_client):
    await crm_client.put("/api/v1/settings/core/phone_region", json={"value": "DE"})
    german = await crm_member_client.post("/api/v1/contacts", json={
        "given_name": "Greta", "phones": [{"number": "030 1234567"}]})
    assert german.status_code == 201, german.text
    assert german.json()["phones"][0]["number"] == "+49301234567"
    await crm_member_client.put("/api/v1/account/preferences", json={"phone_region": "GB"})
    british = await crm_member_client.post("/api/v1/contacts", json={
        "given_name": "Brian", "phones": [{"number": "020 7946 0958"}]})
    assert british.json()["phones"][0]["number"] == "+442079460958"
