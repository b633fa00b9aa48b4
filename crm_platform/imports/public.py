"""Import runs as a plugin drives them (its own command, its own pages): start a run for a
file, plan it, commit it, and read its ledger. The same steps as ``crm import`` and /imports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from crm_hookspecs import Principal

from crm_platform.db.raw import fetch
from crm_platform.imports import engine, runs, service

Progress = Callable[[int, int], None]
LEDGER_LIMIT = 200


async def start_import(principal: Principal, path: str | Path, kind: str, *, filename: str = "",
                       mapping: dict[str, str] | None = None, match_key: str | None = None,
                       source: str | None = None, mode: str | None = None,
                       update_mode: str | None = None) -> dict[str, Any]:
    """A new run for the file at ``path`` as ``kind``: its format detected by the importers,
    its columns mapped as suggested (or by ``mapping``), ready for a dry run or a commit.
    ``mode`` is ``create_and_update`` (the default), ``create_only`` or ``update_only``;
    ``update_mode`` ``overwrite`` (the default) or ``fill_empty``. :class:`Invalid` names
    ``file``, ``kind``, ``mapping``, ``match``, ``mode`` or ``update_mode`` when one is wrong."""
    file = Path(path).resolve()
    run_id = await service.start(principal, file, filename or file.name, kind, file.stat().st_size)
    run = await runs.load(run_id)
    return await service.set_mapping(principal, run_id, mapping if mapping is not None else run["mapping"],
                                     match_key, source, mode, update_mode)


async def dry_run_import(principal: Principal, run_id: int, progress: Progress | None = None) -> dict[str, int]:
    """Plan every row without writing a record; the counts per outcome."""
    await runs.get(principal, run_id)
    return await engine.dry_run(run_id, principal, progress)


async def commit_import(principal: Principal, run_id: int, progress: Progress | None = None) -> dict[str, int]:
    """Write the run's rows; after a crash, run it again and it carries on where its ledger ends."""
    await runs.get(principal, run_id)
    return await engine.commit(run_id, principal, progress)


async def get_import(principal: Principal, run_id: int) -> dict[str, Any]:
    """The run (status, counts, source) if the user started it or sees everything."""
    return await runs.get(principal, run_id)


async def import_ledger(principal: Principal, *, text: str = "", formats: tuple[str, ...] = (),
                        external_ids: tuple[str, ...] = (), limit: int = 50, runs: tuple[int, ...] = (),
                        outcomes: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The committed ledger rows of the user's runs (every run for admins and managers),
    newest first: ``run``, ``filename``, ``format``, ``row_number``, ``external_id``,
    ``record_id``, ``outcome`` and ``reason``. ``text`` finds it in the external id or the
    reason, ``formats`` keeps the runs of some importers, ``external_ids`` those rows, ``runs``
    the rows of those runs and ``outcomes`` those outcomes (``create``, ``skip``, ``error``)."""
    conditions, args = ["r.phase = 'commit'"], []
    if not principal.sees_everything:
        conditions.append("u.owner = {}")
        args.append(principal.id)
    if formats:
        conditions.append(f"u.format IN ({', '.join('{}' for _ in formats)})")
        args += list(formats)
    if external_ids:
        conditions.append(f"r.external_id IN ({', '.join('{}' for _ in external_ids)})")
        args += list(external_ids)
    if runs:
        conditions.append(f"r.run IN ({', '.join('{}' for _ in runs)})")
        args += [int(run) for run in runs]
    if outcomes:
        conditions.append(f"r.outcome IN ({', '.join('{}' for _ in outcomes)})")
        args += list(outcomes)
    if text.strip():
        pattern = "%" + text.strip().lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        conditions.append("(lower(r.external_id) LIKE {} OR lower(r.reason) LIKE {})")
        args += [pattern, pattern]
    return await fetch(
        "SELECT r.run, u.filename, u.format, r.row_number, r.external_id, r.record_id, r.outcome, r.reason "
        "FROM crm_import_row r JOIN crm_import_run u ON u.id = r.run "
        f"WHERE {' AND '.join(conditions)} ORDER BY r.run DESC, r.row_number DESC LIMIT {min(limit, LEDGER_LIMIT)}",
        *args,
    )
