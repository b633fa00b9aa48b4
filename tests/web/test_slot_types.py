"""A plugin's runtime slot that is not what the hook returns is left out, and the log names
the plugin, the hook and what came back; the page still answers."""

from __future__ import annotations

import logging
import types

import httpx
import pytest
from crm_hookspecs import DashboardWidget, Panel, hookimpl

from crm_platform.testing import client_for
from tests.web.helpers import sign_in


def _wrong_slots_plugin() -> types.ModuleType:
    module = types.ModuleType("crm_wrongslots_plugin")
    module.crm_record_panels = hookimpl(lambda record_type, record_id: ["<p>a bare string</p>"])
    module.crm_record_tabs = hookimpl(lambda record_type: [Panel("tab", "Not a tab", "<p>panel</p>")])
    module.crm_dashboard_widgets = hookimpl(lambda principal: [{"key": "dict", "html": "<p>a dict</p>"}])
    module.crm_timeline_items = hookimpl(lambda record_type: ["a timeline string"])
    module.crm_search = hookimpl(lambda query: [("a", "tuple")])
    return module


def _missing_template_plugin() -> types.ModuleType:
    module = types.ModuleType("crm_notemplate_plugin")
    module.crm_record_panels = hookimpl(lambda: [Panel("gone", "Gone", template="notemplate/missing.html")])
    return module


@pytest.fixture
def crm_plugins() -> list:
    return [("wrongslots", _wrong_slots_plugin()), ("notemplate", _missing_template_plugin())]


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


async def test_a_panel_of_the_wrong_type_is_logged_naming_the_plugin(admin_browser, crm_client, caplog) -> None:
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Olga"})).json()
    with caplog.at_level(logging.WARNING, logger="crm.plugins"):
        page = await admin_browser.get(f"/contacts/{contact['id']}")
    assert page.status_code == 200
    assert "a bare string" not in page.text and "Not a tab" not in page.text
    messages = [record.getMessage() for record in caplog.records]
    assert "plugin wrongslots returned str from crm_record_panels, expected Panel; it is left out" in messages
    assert "plugin wrongslots returned Panel from crm_record_tabs, expected RecordTab; it is left out" in messages


async def test_a_widget_of_the_wrong_type_is_logged_naming_the_plugin(admin_browser, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="crm.plugins"):
        page = await admin_browser.get("/")
    assert page.status_code == 200
    assert "a dict" not in page.text
    assert "plugin wrongslots returned dict from crm_dashboard_widgets, expected DashboardWidget; it is left out" in [
        record.getMessage() for record in caplog.records
    ]


async def test_a_panel_whose_template_is_missing_is_logged_and_left_out(admin_browser, crm_client, caplog) -> None:
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Pia"})).json()
    with caplog.at_level(logging.WARNING, logger="crm.plugins"):
        page = await admin_browser.get(f"/contacts/{contact['id']}")
    assert page.status_code == 200
    assert 'aria-label="Gone"' not in page.text
    assert any(
        record.getMessage().startswith("plugin notemplate: the template 'notemplate/missing.html'")
        for record in caplog.records
    )


@pytest.mark.parametrize("kind", [Panel, DashboardWidget])
def test_a_slot_with_both_html_and_a_template_is_refused_naming_it(kind) -> None:
    with pytest.raises(ValueError, match=rf"{kind.__name__} 'both': give html or template, not both"):
        kind("both", "Both", html="<p>x</p>", template="x/both.html")


@pytest.mark.parametrize("kind", [Panel, DashboardWidget])
def test_a_slots_context_is_kept_out_of_equality_and_hashing(kind) -> None:
    first, second = kind("k", "T", template="x/t.html", context={"a": 1}), kind("k", "T", template="x/t.html")
    assert first == second and hash(first) == hash(second)


async def test_timeline_items_and_search_hits_of_the_wrong_type_are_logged_naming_the_plugin(crm_client, caplog):
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Olga"})).json()
    with caplog.at_level(logging.WARNING, logger="crm.plugins"):
        timeline = await crm_client.get(f"/api/v1/contacts/{contact['id']}/timeline")
        found = await crm_client.get("/api/v1/search", params={"q": "olga"})
    assert timeline.status_code == 200 and "a timeline string" not in timeline.text
    assert found.status_code == 200 and [hit["kind"] for hit in found.json()["items"]] == ["contact"]
    messages = [record.getMessage() for record in caplog.records]
    assert "plugin wrongslots returned str from crm_timeline_items, expected TimelineItem; it is left out" in messages
    assert "plugin wrongslots returned tuple from crm_search, expected SearchResult; it is left out" in messages
