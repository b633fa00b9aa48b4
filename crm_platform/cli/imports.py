"""``crm import FILE``: the same run as the web UI's, with a progress bar in the terminal."""

from __future__ import annotations

from pathlib import Path

import click

from crm_platform.cli._context import acting_user, run


def _bar(label: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=False)


def _print_totals(what: str, counts: dict[str, int]) -> None:
    companies = f", {counts['new_companies']} new companies" if counts.get("new_companies") else ""
    click.echo(f"{what}: " + ", ".join(f"{counts.get(name, 0)} {name}" for name in ("create", "update", "skip", "error"))
               + companies)


async def _rows(run_id: int, phase: str) -> None:
    """After a dry run the first rows whatever their outcome, after a commit its errors."""
    from crm_platform.imports import ledger

    rows, _ = await ledger.page(run_id, phase, outcome="error" if phase == "commit" else "", limit=20)
    for row in rows:
        changes = "; ".join(f"{name} → {value}" for name, value in sorted(row["written"].items()))
        detail = ": ".join(part for part in (row["reason"], changes) if part)
        click.echo(f"  row {row['row_number']}: {row['outcome']}{' — ' + detail if detail else ''}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option("--kind", default="contact", show_default=True, help="The record kind: contact, company, vet.pet ...")
@click.option("--mapping", "mapping_text", default="", help="column=field,... (default: suggested from the header).")
@click.option("--match", "match_key", default=None, help="The field rows are matched by (external_id, email, name ...).")
@click.option("--source", default=None, help="Where the rows come from; external ids are unique per source.")
@click.option("--mode", type=click.Choice(["create-and-update", "create-only", "update-only"]), default=None,
              help="Which rows to write (default: create-and-update, or what the last run of these columns chose).")
@click.option("--update-mode", type=click.Choice(["overwrite", "fill-empty"]), default=None,
              help="How matched records are updated: overwrite fields, or fill empty fields only.")
@click.option("--dry-run", is_flag=True, help="Show what each row would do; write nothing.")
@click.option("--resume", "resume_id", type=int, default=None, help="Carry on with the commit of run ID.")
@click.option("--user", "user_email", default=None, help="Import as this user (default: the first admin).")
def import_command(file: Path | None, kind: str, mapping_text: str, match_key: str | None, source: str | None,
                   mode: str | None, update_mode: str | None, dry_run: bool, resume_id: int | None,
                   user_email: str | None) -> None:
    """Import a CSV, Excel (.xlsx) or vCard (.vcf) file into records of KIND, as one run with a ledger (see /imports)."""
    from crm_platform.imports import engine, mapping, runs, service

    if file is None and resume_id is None:
        raise click.UsageError("give a FILE to import, or --resume RUN_ID")

    async def work() -> None:
        principal = await acting_user(user_email)
        if resume_id is not None:
            run_id = resume_id
            await runs.get(principal, run_id)
        else:
            run_id = await service.start(principal, file.resolve(), file.name, kind, file.stat().st_size)
            run_row = await runs.load(run_id)
            chosen = mapping.parse(mapping_text) if mapping_text else run_row["mapping"]
            run_row = await service.set_mapping(
                principal, run_id, chosen, match_key, source, mode.replace("-", "_") if mode else None,
                update_mode.replace("-", "_") if update_mode else None,
            )
            click.echo(f"run {run_id}: {run_row['rows_total']} rows of {file.name} into {kind}, "
                       f"matched by {run_row['match_key'] or 'nothing (every row is new)'}")
            if run_row["preset"]:
                click.echo(f"recognised as a {run_row['preset']} export")
            click.echo(f"mode: {run_row['mode'].replace('_', '-')}, updates {run_row['update_mode'].replace('_', '-')}")
            click.echo("mapping: " + ", ".join(f"{c}={f}" for c, f in run_row["mapping"].items()))
        total = (await runs.load(run_id))["rows_total"]
        phase = "dry" if dry_run else "commit"
        with _bar("dry run" if dry_run else "importing") as bar:
            task = bar.add_task("rows", total=total)

            def progress(done: int, _total: int) -> None:
                bar.update(task, completed=done)

            if dry_run:
                counts = await engine.dry_run(run_id, principal, progress)
            else:
                counts = await engine.commit(run_id, principal, progress)
        _print_totals("would" if dry_run else "done", counts)
        await _rows(run_id, phase)

    run(work)
