"""Exports of other CRMs (HubSpot, Salesforce, Pipedrive, Zoho) are recognised from their
header and map themselves: names, emails, phones, job titles, their own ids (under their own
source, so a second export updates) and the company each person works at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crm_platform.db.raw import fetch
from crm_platform.imports import engine, presets, service

SAMPLES = Path(__file__).parent / "samples"
EXPORTS = {
    "hubspot-contacts.csv": ("hubspot", "51"),
    "salesforce-contacts.csv": ("salesforce", "0035g00000AbCdE"),
    "pipedrive-people.csv": ("pipedrive", "7"),
    "zoho-contacts.csv": ("zoho", "zcrm_4150868000000224005"),
}


async def _start(principal, path: Path):
    run_id = await service.start(principal, path, path.name, "contact", path.stat().st_size)
    return run_id, await service.runs.load(run_id)


@pytest.mark.parametrize("name", sorted(EXPORTS))
async def test_an_export_is_recognised_and_imports_its_people_with_their_companies(
    crm_app, crm_admin, tmp_path, name
):
    principal, _ = crm_admin
    preset, first_id = EXPORTS[name]
    path = Path(shutil.copy(SAMPLES / name, tmp_path / name))
    run_id, run = await _start(principal, path)
    assert (run["preset"], run["source"], run["match_key"]) == (preset, preset, "external_id")
    mapped = set(run["mapping"].values())
    assert {"external_id", "given_name", "family_name", "email", "company"} <= mapped
    assert "owner" not in mapped  # these systems export an owner's name, not a user's email
    counts = await engine.dry_run(run_id, principal)
    assert counts == {"create": 2, "update": 0, "skip": 0, "error": 0, "new_companies": 2}
    await engine.commit(run_id, principal)
    people = await fetch(
        "SELECT c.given_name, c.family_name, c.primary_email, co.name AS company FROM crm_contact c "
        "JOIN crm_relationship r ON r.source_id = c.id AND r.type = 'works_at' "
        "JOIN crm_company co ON co.id = r.target_id ORDER BY c.given_name"
    )
    assert people == [
        {"given_name": "Ada", "family_name": "Lovelace", "primary_email": "ada@analytical.example",
         "company": "Analytical Engines"},
        {"given_name": "Grace", "family_name": "Hopper", "primary_email": "grace@navy.example", "company": "US Navy"},
    ]
    keys = await fetch("SELECT external_id FROM crm_import_key WHERE record_type = 'contact' AND source = {} "
                       "ORDER BY external_id", preset)
    assert keys[0]["external_id"] == first_id
    # The next export of the same system updates the same people.
    again = Path(shutil.copy(SAMPLES / name, tmp_path / f"again-{name}"))
    again_id, _ = await _start(principal, again)
    assert await engine.dry_run(again_id, principal) == {"create": 0, "update": 0, "skip": 2, "error": 0}


def test_each_preset_recognises_its_own_header_and_no_other():
    for name, (preset, _) in EXPORTS.items():
        header = (SAMPLES / name).read_text().splitlines()[0].replace('"', "").split(",")
        assert presets.detect(header).key == preset
    assert presets.detect(["First Name", "Last Name", "Email"]) is None
    assert presets.detect(["Record ID", "First Name", "Last Name"]) is None  # not enough to tell


async def test_a_mapping_changed_by_hand_wins_over_the_preset_next_time(crm_app, crm_admin, tmp_path):
    principal, _ = crm_admin
    path = Path(shutil.copy(SAMPLES / "hubspot-contacts.csv", tmp_path / "a.csv"))
    run_id, run = await _start(principal, path)
    chosen = {column: field for column, field in run["mapping"].items() if field != "job_title"}
    await service.set_mapping(principal, run_id, chosen)
    await engine.dry_run(run_id, principal)
    _, again = await _start(principal, Path(shutil.copy(path, tmp_path / "b.csv")))
    assert "job_title" not in again["mapping"].values() and again["preset"] == "hubspot"
