"""Update modes: a run creates and updates, creates only or updates only; an update
overwrites fields or fills empty ones only. The mode is kept on the run, each row of the dry
run says what the mode made of it, and the command line takes ``--mode``."""

from __future__ import annotations

import pytest

from crm_platform.db.raw import fetch
from crm_platform.errors import Invalid
from crm_platform.imports import engine, ledger, service

HEADER = ["First name", "Job title", "Email"]


async def _people(crm_client) -> None:
    for body in (
        {"given_name": "Ada", "job_title": "Countess", "emails": [{"address": "ada@example.com"}]},
        {"given_name": "Bo", "job_title": "", "emails": [{"address": "bo@example.com"}]},
    ):
        assert (await crm_client.post("/api/v1/contacts", json=body)).status_code == 201


def _file(write_csv):
    return write_csv([HEADER, ["Ada", "Analyst", "ada@example.com"], ["Bo", "Baker", "bo@example.com"],
                      ["Cy", "Cook", "cy@example.com"]])


async def _dry(principal, path, mode=None, update_mode=None):
    run_id = await service.start(principal, path, path.name, "contact", path.stat().st_size)
    run = await service.runs.load(run_id)
    await service.set_mapping(principal, run_id, run["mapping"], "email", None, mode, update_mode)
    counts = await engine.dry_run(run_id, principal)
    rows, _ = await ledger.page(run_id, "dry")
    return run_id, counts, {row["row_number"]: row for row in rows}


async def test_create_only_skips_the_rows_that_match_and_says_why(crm_app, crm_admin, crm_client, write_csv):
    await _people(crm_client)
    run_id, counts, rows = await _dry(crm_admin[0], _file(write_csv), "create_only")
    assert counts == {"create": 1, "update": 0, "skip": 2, "error": 0}
    assert rows[1]["reason"] == "a contact has this email already; the import creates only"
    assert rows[3]["outcome"] == "create"
    assert (await service.runs.load(run_id))["mode"] == "create_only"


async def test_update_only_skips_the_rows_that_match_nothing(crm_app, crm_admin, crm_client, write_csv):
    await _people(crm_client)
    run_id, counts, rows = await _dry(crm_admin[0], _file(write_csv), "update_only")
    assert counts == {"create": 0, "update": 2, "skip": 1, "error": 0}
    assert rows[3]["reason"] == "no contact has this email; the import updates only"
    assert rows[1]["reason"] == "overwrites" and rows[1]["written"] == {"job_title": "Analyst"}
    await engine.commit(run_id, crm_admin[0])
    titles = await fetch("SELECT given_name, job_title FROM crm_contact ORDER BY given_name")
    assert titles == [{"given_name": "Ada", "job_title": "Analyst"}, {"given_name": "Bo", "job_title": "Baker"}]


async def test_fill_empty_keeps_filled_fields_and_fills_the_empty_ones(crm_app, crm_admin, crm_client, write_csv):
    await _people(crm_client)
    run_id, counts, rows = await _dry(crm_admin[0], _file(write_csv), "create_and_update", "fill_empty")
    assert counts == {"create": 1, "update": 1, "skip": 1, "error": 0}
    assert rows[1]["outcome"] == "skip" and rows[1]["reason"] == "no empty fields to fill"
    assert rows[2]["reason"] == "fills empty fields only" and rows[2]["written"] == {"job_title": "Baker"}
    await engine.commit(run_id, crm_admin[0])
    titles = await fetch("SELECT given_name, job_title FROM crm_contact ORDER BY given_name")
    assert titles == [{"given_name": "Ada", "job_title": "Countess"}, {"given_name": "Bo", "job_title": "Baker"},
                      {"given_name": "Cy", "job_title": "Cook"}]


async def test_an_unknown_mode_or_updating_with_nothing_to_match_by_is_refused(crm_app, crm_admin, write_csv):
    principal, _ = crm_admin
    path = _file(write_csv)
    run_id = await service.start(principal, path, path.name, "contact", path.stat().st_size)
    run = await service.runs.load(run_id)
    with pytest.raises(Invalid) as unknown:
        await service.set_mapping(principal, run_id, run["mapping"], "email", None, "sometimes", "always")
    assert set(unknown.value.errors) == {"mode", "update_mode"}
    with pytest.raises(Invalid) as nothing:
        await service.set_mapping(principal, run_id, run["mapping"], "", None, "update_only")
    assert nothing.value.errors == {"mode": "an import that updates only needs a field to match existing records by"}


async def test_the_modes_chosen_once_are_reused_for_the_same_columns(crm_app, crm_admin, write_csv):
    principal, _ = crm_admin
    first, _, _ = await _dry(principal, _file(write_csv), "update_only", "fill_empty")
    again = _file(write_csv)
    run_id = await service.start(principal, again, again.name, "contact", again.stat().st_size)
    run = await service.runs.load(run_id)
    assert run_id != first and (run["mode"], run["update_mode"]) == ("update_only", "fill_empty")


async def test_the_command_line_takes_the_mode_and_shows_each_row(crm_app, crm_admin, crm_client, crm_cli, write_csv):
    await _people(crm_client)
    path = _file(write_csv)
    dry = crm_cli("import", str(path), "--match", "email", "--mode", "update-only", "--update-mode", "fill-empty",
                  "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "mode: update-only, updates fill-empty" in dry.output
    assert "would: 0 create, 1 update, 2 skip, 0 error" in dry.output
    assert "row 1: skip — no empty fields to fill" in dry.output
    assert "row 2: update — fills empty fields only: job_title → Baker" in dry.output
    assert "row 3: skip — no contact has this email; the import updates only" in dry.output
    refused = crm_cli("import", str(path), "--mode", "sometimes")
    assert refused.exit_code != 0 and "sometimes" in refused.output
