"""The steps of a run as the web UI and the command line take them: a file becomes a run,
the run gets a mapping, its dry run, commit and rollback run as jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.errors import Invalid
from crm_platform.imports import engine, formats, mapping, presets, runs
from crm_platform.imports.fields import EXTERNAL_ID, importable
from crm_platform.imports.sniff import FileProblem, text_format
from crm_platform.imports.tables import MODES, UPDATE_MODES
from crm_platform.jobs.runner import enqueue
from crm_platform.records import customfields, kinds

IMPORT_JOB = "core.import"
PHASES = ("dry", "commit", "rollback")


def default_match(kind_key: str, chosen: dict[str, str]) -> str:
    """Rows match earlier records by external id when a column holds one, else by email
    (contacts) or name (everything with a name), else not at all (every row is new)."""
    fields = set(chosen.values())
    for candidate in (EXTERNAL_ID, "email", "name"):
        if candidate in fields:
            return candidate
    return ""


async def fields_of(kind_key: str) -> dict[str, Any]:
    kind = kinds.get(kind_key, "kind")
    definitions = await customfields.definitions(kind.key) if kind.custom_fields else {}
    return importable(kind, definitions)


async def start(principal: Principal, path: Path, filename: str, kind_key: str, size: int) -> int:
    """A new run for the file at ``path``: its format and columns detected, its rows counted,
    a mapping suggested. :class:`Invalid` naming ``file`` or ``kind`` says what is wrong."""
    fields = await fields_of(kind_key)
    importer = formats.detect(path, filename, kind_key)
    encoding = delimiter = ""
    try:
        columns = list(importer.columns(str(path)))
        if importer.key == "csv":
            fmt = text_format(path)
            encoding, delimiter = fmt.encoding, fmt.delimiter
    except (FileProblem, ValueError) as exc:
        raise Invalid({"file": str(exc)}) from None
    total = await engine.count_rows(importer.key, str(path))
    if total == 0:
        raise Invalid({"file": "the file has a header row but no rows to import"})
    suggested = mapping.suggest(columns, fields)
    match_key, source = default_match(kind_key, suggested), importer.key
    modes = {"mode": MODES[0], "update_mode": UPDATE_MODES[0]}
    preset = presets.detect(columns) if importer.key in ("csv", "xlsx") else None
    preset = preset if preset is not None and kind_key in preset.kinds else None
    if preset is not None:
        suggested = presets.mapping_for(preset, columns, fields)
        match_key, source = default_match(kind_key, suggested), preset.key
    saved = await runs.saved_mapping(principal, kind_key, importer.key, columns)
    if saved is not None:  # fields removed since (a custom field, a plugin's) are left out
        suggested = {column: name for column, name in saved["mapping"].items() if name in fields}
        match_key = saved["match_key"] if saved["match_key"] in fields or not saved["match_key"] else match_key
        source = saved["source"] or source
        modes = {"mode": saved["mode"] or MODES[0], "update_mode": saved["update_mode"] or UPDATE_MODES[0]}
    return await runs.create(
        principal, kind=kind_key, format=importer.key, filename=filename[:255], path=str(path), size=size,
        encoding=encoding, delimiter=delimiter, columns=columns, mapping=suggested, source=source,
        match_key=match_key, rows_total=total, status="mapping", preset=preset.key if preset else "", **modes,
    )


def check_modes(mode: str, update_mode: str, match_key: str) -> None:
    """:class:`Invalid` naming ``mode`` or ``update_mode`` when one is unknown, or when the
    run would update only with nothing to match rows by."""
    errors = {}
    if mode not in MODES:
        errors["mode"] = f"unknown mode {mode!r}; one of {', '.join(MODES)}"
    elif mode == "update_only" and not match_key:
        errors["mode"] = "an import that updates only needs a field to match existing records by"
    if update_mode not in UPDATE_MODES:
        errors["update_mode"] = f"unknown update mode {update_mode!r}; one of {', '.join(UPDATE_MODES)}"
    if errors:
        raise Invalid(errors)


async def set_mapping(principal: Principal, run_id: int, chosen: dict[str, str], match_key: str | None = None,
                      source: str | None = None, mode: str | None = None,
                      update_mode: str | None = None) -> dict[str, Any]:
    """Choose the run's mapping, the field rows match by, its source, which rows it writes
    (``mode``) and how an update treats filled fields (``update_mode``); ``None`` keeps
    what the run has."""
    run = await runs.get(principal, run_id)
    if run["status"] not in ("mapping", "planned", "failed") or await runs.commit_started(run_id):
        raise Invalid({"run": f"the run is {run['status']} and has written rows; its mapping can no longer change"})
    fields = await fields_of(run["kind"])
    match = default_match(run["kind"], chosen) if match_key is None else match_key
    if match and match not in fields:
        raise Invalid({"match": f"unknown field {match!r}"})
    cleaned = mapping.check(chosen, run["columns"], fields, match)
    mode = mode if mode is not None else run["mode"]
    update_mode = update_mode if update_mode is not None else run["update_mode"]
    check_modes(mode, update_mode, match)
    source = (source if source is not None else run["source"]).strip()[:100] or run["format"]
    await runs.set_status(run_id, "mapping", mapping=cleaned, match_key=match, source=source, mode=mode,
                          update_mode=update_mode, revision=run["revision"] + 1, error="")
    return await runs.load(run_id)


async def launch(principal: Principal, run_id: int, phase: str) -> str:
    """Queue the run's dry run, commit or rollback as a job (a second request for the same
    step of the same mapping is the same job)."""
    run = await runs.get(principal, run_id)
    # A failed commit is resumed by committing again; a failed dry run needs a new mapping first.
    allowed = {"dry": ("mapping", "planned", "failed"), "commit": ("planned", "committing", "failed"),
               "rollback": ("committed",)}[phase]
    if phase == "commit" and run["status"] == "failed" and not await runs.commit_started(run_id):
        allowed = ()
    if run["status"] not in allowed:
        raise Invalid({"run": f"the run is {run['status']}; it cannot {'be ' if phase != 'dry' else ''}"
                              f"{ {'dry': 'have a dry run', 'commit': 'committed', 'rollback': 'rolled back'}[phase]} now"})
    waiting = {"dry": "planning", "commit": "committing", "rollback": "rolling_back"}[phase]
    await runs.set_status(run_id, waiting)
    return await enqueue(IMPORT_JOB, key=f"{IMPORT_JOB}:{run_id}:{phase}:{run['revision']}", run_id=run_id,
                         phase=phase)


def upload_folder() -> Path:
    folder = Path(runtime.current().settings.imports_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
