"""Themes per user and per instance, and template overrides in their search order."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from crm_platform.config import Settings
from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in


@pytest.fixture
def override_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "overrides"
    (folder / "partials").mkdir(parents=True)
    # An override extends the template it replaces, through the core: prefix.
    (folder / "error.html").write_text(
        '{% extends "core:error.html" %}{% block content %}<p class="instance-note">Call the help desk.</p>'
        "{{ super() }}{% endblock %}"
    )
    return folder


@pytest.fixture
def crm_settings(crm_database_url: str, tmp_path: Path, override_dir: Path) -> Settings:
    return Settings(database_url=crm_database_url, jobs_url=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
                    templates_dir=str(override_dir))


@pytest.fixture
async def member_browser(crm_running_app, crm_make_user) -> httpx.AsyncClient:
    await crm_make_user("ada@example.com")
    async with client_for(crm_running_app) as client:
        await sign_in(client, "ada@example.com")
        yield client


async def test_the_default_theme_follows_the_system_colours(member_browser) -> None:
    page = await member_browser.get("/")
    assert 'data-theme="default"' in page.text
    assert 'data-scheme="auto"' in page.text
    assert "/static/themes/default/theme.css" in page.text


async def test_a_user_who_picks_high_contrast_sees_it_on_every_page(member_browser) -> None:
    response = await member_browser.post("/settings/theme", data={
        "theme": "contrast", "scheme": "auto", "_csrf_token": await form_token(member_browser)})
    assert response.status_code == 303
    page = await member_browser.get("/contacts")
    assert 'data-theme="contrast"' in page.text
    # The child theme's stylesheet comes after its parent's, so it wins.
    assert page.text.index("/static/themes/default/theme.css") < page.text.index("/static/themes/contrast/theme.css")
    assert "brand-theme" in page.text  # the theme's own partials/brand.html replaced the core's


async def test_the_colour_toggle_is_remembered_at_the_next_sign_in(crm_running_app, member_browser) -> None:
    await member_browser.post("/settings/scheme", data={
        "scheme": "dark", "next": "/", "_csrf_token": await form_token(member_browser)})
    async with client_for(crm_running_app) as later:
        await sign_in(later, "ada@example.com")
        page = await later.get("/")
    assert 'data-scheme="dark"' in page.text


async def test_an_unknown_theme_is_refused_beside_the_field(member_browser) -> None:
    response = await member_browser.post("/settings/theme", data={
        "theme": "neon", "scheme": "auto", "_csrf_token": await form_token(member_browser)})
    assert response.status_code == 422
    assert "choose one of the installed themes" in response.text


async def test_the_instance_override_folder_comes_first_and_can_extend_the_core(member_browser) -> None:
    page = await member_browser.get("/contacts/424242")
    assert page.status_code == 404
    assert '<p class="instance-note">Call the help desk.</p>' in page.text
    assert "Nothing here" in page.text


async def test_each_theme_ships_its_stylesheet(member_browser) -> None:
    for theme in ("default", "contrast"):
        assert (await member_browser.get(f"/static/themes/{theme}/theme.css")).status_code == 200
