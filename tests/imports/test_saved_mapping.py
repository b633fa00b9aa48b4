"""The next file with the same columns maps itself as the last one was mapped by hand."""

from __future__ import annotations

from crm_platform.imports import engine, service


async def _start(principal, path):
    run_id = await service.start(principal, path, path.name, "contact", path.stat().st_size)
    return run_id, await service.runs.load(run_id)


async def test_a_mapping_chosen_once_is_reused_for_the_same_columns(crm_app, crm_admin, crm_make_user, write_csv):
    principal, _ = crm_admin
    header = ["Kunde", "Adresse", "Notiz"]
    first_id, first = await _start(principal, write_csv([header, ["Jo", "jo@example.com", "x"]]))
    assert first["mapping"] == {}  # nothing in the header says which field it is
    await service.set_mapping(principal, first_id, {"Kunde": "given_name", "Adresse": "email"}, "email", "oldcrm")
    _, unused = await _start(principal, write_csv([header, ["Kim", "kim@example.com", "y"]], name="unused.csv"))
    assert unused["mapping"] == {}  # a mapping never tried (no dry run) is not reused
    await engine.dry_run(first_id, principal)
    _, again = await _start(principal, write_csv([header, ["Kim", "kim@example.com", "y"]], name="b.csv"))
    assert (again["mapping"], again["match_key"], again["source"]) == (
        {"Kunde": "given_name", "Adresse": "email"}, "email", "oldcrm")
    _, other = await _start(principal, write_csv([["Kunde", "Mail"], ["Kim", "kim@example.com"]], name="c.csv"))
    assert other["mapping"] == {"Mail": "email"}  # other columns: suggested from the names
    member, _ = await crm_make_user("member@example.com", role="member")
    _, theirs = await _start(member, write_csv([header, ["Lu", "lu@example.com", "z"]], name="d.csv"))
    assert theirs["mapping"] == {}  # each person's own runs only
