"""The sales pages, seen through a signed-in browser session."""

from __future__ import annotations

import datetime as dt

from crm_platform.toolkit import execute


async def test_the_board_shows_each_open_stage_with_its_cards(web_client, make_deal, pipeline):
    await make_deal(title="Solar roof", amount="4200", stage_id=pipeline["by_name"]["Proposal"]["id"])
    page = await web_client.get("/sales/")
    assert page.status_code == 200
    assert "Solar roof" in page.text and "4,200.00 EUR" in page.text
    assert page.text.index(">Lead<") < page.text.index(">Negotiation<")
    assert 'src="/static/sales/board.js"' in page.text


async def test_a_deal_idle_longer_than_its_stage_allows_is_marked_stale(web_client, make_deal):
    deal = await make_deal(title="Dusty")
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    await execute("UPDATE sales_deal SET stage_entered_at = {} WHERE id = {}", long_ago, deal["id"])
    page = await web_client.get("/sales/")
    assert "is-stale" in page.text and "No activity for" in page.text


async def test_the_move_form_moves_a_card_and_comes_back_to_the_board(web_client, make_deal, pipeline):
    deal = await make_deal(title="Fleet")
    board = await web_client.get("/sales/")
    response = await web_client.post(
        f"/sales/deals/{deal['id']}/move",
        data={"stage_id": pipeline["by_name"]["Won"]["id"], "next": "/sales/", "_csrf_token": web_client.csrf(board.text)},
    )
    assert response.status_code == 302 and response.headers["location"] == "/sales/"
    assert (await web_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["status"] == "won"


async def test_closing_as_lost_without_a_reason_shows_the_form_error(web_client, make_deal, pipeline):
    deal = await make_deal(title="Fleet")
    page = await web_client.get(f"/sales/deals/{deal['id']}")
    response = await web_client.post(
        f"/sales/deals/{deal['id']}/move",
        data={"stage_id": pipeline["by_name"]["Lost"]["id"], "_csrf_token": web_client.csrf(page.text)},
    )
    assert response.status_code == 422
    assert "Lost reason" in response.text and "closed as lost with a reason" in response.text


async def test_the_deal_page_shows_its_own_timeline(web_client, make_deal, pipeline, crm_client):
    deal = await make_deal(title="Cloud")
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": pipeline["by_name"]["Qualified"]["id"]})
    page = await web_client.get(f"/sales/deals/{deal['id']}")
    assert "Cloud: Lead → Qualified" in page.text


async def test_the_list_filters_by_status(web_client, make_deal, pipeline, crm_client):
    won = await make_deal(title="Signed")
    await make_deal(title="Pending")
    await crm_client.post(f"/api/v1/sales/deals/{won['id']}/move", json={"stage_id": pipeline["by_name"]["Won"]["id"]})
    page = await web_client.get("/sales/deals", params={"status": "won"})
    assert "Signed" in page.text and "Pending" not in page.text


async def test_the_forecast_page_draws_its_charts_in_the_page(web_client, make_deal):
    await make_deal(title="Q3", amount="1000", expected_close_date="2027-07-01")
    page = await web_client.get("/sales/forecast")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 2 and "<script" not in page.text.split("</head>")[1]
    assert "forecast.csv" in page.text


async def test_a_contacts_page_has_a_deals_panel(web_client, make_deal, crm_client):
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    await make_deal(title="Analytical engine", contacts=[{"contact_id": contact["id"], "role": "champion"}])
    page = await web_client.get(f"/contacts/{contact['id']}")
    assert "Analytical engine" in page.text


async def test_the_home_page_has_my_pipeline_widget(web_client, make_deal):
    await make_deal(title="Mine", amount="1000", expected_close_date="2099-01-01")
    page = await web_client.get("/")
    assert "My pipeline" in page.text and "Mine" in page.text


async def test_new_deal_form_creates_a_deal(web_client):
    form = await web_client.get("/sales/deals/new")
    response = await web_client.post(
        "/sales/deals/new",
        data={"title": "From the form", "amount": "75", "currency": "EUR", "_csrf_token": web_client.csrf(form.text)},
    )
    assert response.status_code == 302
    assert "From the form" in (await web_client.get(response.headers["location"])).text


async def test_new_deal_form_names_a_negative_amount(web_client):
    form = await web_client.get("/sales/deals/new")
    response = await web_client.post(
        "/sales/deals/new",
        data={"title": "Oops", "amount": "-1", "currency": "EUR", "_csrf_token": web_client.csrf(form.text)},
    )
    assert response.status_code == 422 and "must not be negative" in response.text


async def test_global_search_finds_a_deal_by_a_word_of_its_title(web_client, make_deal):
    deal = await make_deal(title="Analytical engine")
    page = await web_client.get("/search", params={"q": "analyt"})
    assert f'href="/sales/deals/{deal["id"]}"' in page.text


async def test_an_activity_logged_on_a_deal_shows_on_its_page_and_ends_its_staleness(web_client, make_deal, crm_client):
    deal = await make_deal(title="Dusty")
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    await execute("UPDATE sales_deal SET stage_entered_at = {} WHERE id = {}", long_ago, deal["id"])
    logged = await crm_client.post(
        "/api/v1/activities",
        json={"type": "call", "subject": "Called the buyer", "links": [{"record_type": "sales.deal", "record_id": deal["id"]}]},
    )
    assert logged.status_code == 201, logged.text
    assert "Called the buyer" in (await web_client.get(f"/sales/deals/{deal['id']}")).text
    assert "is-stale" not in (await web_client.get("/sales/")).text
