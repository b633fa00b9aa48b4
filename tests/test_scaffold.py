"""``crm plugins new NAME`` writes a plugin that works at once: it lints clean, imports only the
contract and the toolkit, migrates, serves its API, page and contact panel, purges cleanly,
and its own tests pass on SQLite and PostgreSQL.

The plugin is loaded from the folder it was written to (on ``sys.path``), as a
``(slug, module)`` pair, rather than pip-installed into the running environment.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from piccolo.apps.migrations.commands.new import AutoMigrationManager

from crm_platform import runtime
from crm_platform.cli import cli, scaffold
from crm_platform.db.raw import fetch
from crm_platform.instance import purge

SLUG = "scaffolded"
PACKAGE = f"crm_{SLUG}"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The plugin ``scaffolded``, written once for this module and importable."""
    folder = scaffold.create(SLUG, tmp_path_factory.mktemp("scaffold"))
    sys.path.insert(0, str(folder))
    yield folder
    sys.path.remove(str(folder))


@pytest.fixture
def crm_plugins(generated: Path) -> list:
    return [(SLUG, importlib.import_module(f"{PACKAGE}.plugin"))]


def _python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


# --- what is written ------------------------------------------------------------------------


def test_new_writes_every_part_of_a_plugin(tmp_path: Path):
    result = CliRunner().invoke(cli, ["plugin", "new", "call_notes", "--path", str(tmp_path)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "crm-call-notes"
    assert f"wrote plugin call_notes in {folder}" in result.output
    assert f"pip install -e '{folder}[test]'" in result.output
    written = {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}
    assert written == {
        "pyproject.toml",
        "README.md",
        "crm_call_notes/__init__.py",
        "crm_call_notes/plugin.py",
        "crm_call_notes/items.py",
        "crm_call_notes/api.py",
        "crm_call_notes/web.py",
        "crm_call_notes/tables.py",
        "crm_call_notes/piccolo_app.py",
        "crm_call_notes/migrations/__init__.py",
        "crm_call_notes/migrations/call_notes_0001_initial.py",
        "crm_call_notes/templates/call_notes/index.html",
        "crm_call_notes/templates/call_notes/item.html",
        "tests/test_call_notes.py",
    }
    template = (folder / "crm_call_notes/templates/call_notes/index.html").read_text()
    assert template.startswith('{% extends "base.html" %}')


def test_pyproject_names_the_entry_point_and_bounds_contract_and_toolkit(generated: Path):
    project = tomllib.loads((generated / "pyproject.toml").read_text())["project"]
    assert project["name"] == "crm-scaffolded"
    assert project["entry-points"]["crm_platform.plugins"] == {SLUG: f"{PACKAGE}.plugin"}
    assert project["dependencies"] == ["crm-hookspecs>=1.3,<2", "crm-platform>=0.3,<0.4"]


def test_readme_tells_its_users_how_to_install_and_use_it(generated: Path):
    readme = (generated / "README.md").read_text()
    assert readme.startswith("# crm-scaffolded")
    for step in ("pip install -e ./crm-scaffolded", "crm migrate", "crm plugins enable scaffolded"):
        assert step in readme
    assert "POST /api/v1/scaffolded/items" in readme


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Call-Notes", "'Call-Notes' is not a plugin name: use 2 to 40 lower-case letters, digits or _"),
        ("x", "'x' is not a plugin name"),
        ("settings", "'settings' is reserved"),
        ("sales", "a plugin named 'sales' is installed already (crm-sales); choose another name"),
    ],
)
def test_new_refuses_a_name_it_cannot_use_saying_why(tmp_path: Path, name: str, message: str):
    result = CliRunner().invoke(cli, ["plugins", "new", name, "--path", str(tmp_path)])
    assert result.exit_code == 1
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


def test_new_never_overwrites_a_folder(tmp_path: Path):
    (tmp_path / "crm-call-notes").mkdir()
    (tmp_path / "crm-call-notes" / "mine.txt").write_text("keep me")
    result = CliRunner().invoke(cli, ["plugins", "new", "call_notes", "--path", str(tmp_path)])
    assert result.exit_code == 1
    assert "crm-call-notes exists already; choose another --path or remove it first" in result.output
    assert [path.name for path in (tmp_path / "crm-call-notes").iterdir()] == ["mine.txt"]


# --- what the code is ------------------------------------------------------------------------


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {f"{node.module}.{alias.name}" for alias in node.names} if node.module == "crm_platform" else {
                node.module
            }
    return found


def test_plugin_code_imports_only_the_contract_and_the_toolkit(generated: Path):
    allowed = {"crm_platform.toolkit"}
    for path in _python_files(generated / PACKAGE):
        platform = {name for name in _imported_modules(path) if name.split(".")[0] == "crm_platform"}
        assert platform <= allowed, f"{path.name} imports {platform - allowed}"
    test_imports = _imported_modules(generated / "tests" / f"test_{SLUG}.py")
    assert {name for name in test_imports if name.startswith("crm_platform")} == {"crm_platform.testing"}


def test_plugin_sql_names_no_core_table(generated: Path):
    core_table = re.compile(r"\bcrm_(?!platform\b|hookspecs\b|scaffolded\b)[a-z_]+")
    assert core_table.findall("SELECT id FROM crm_contact JOIN scaffolded_item") == ["crm_contact"]
    for path in _python_files(generated / PACKAGE):
        strings = [
            node.value for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
        named = {match for text in strings for match in core_table.findall(text)}
        assert named == set(), f"{path.name} names {named}"


def test_generated_code_passes_ruff(generated: Path):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(generated)], capture_output=True, text=True, cwd=generated
    )
    assert result.returncode == 0, result.stdout + result.stderr


async def test_committed_migration_matches_the_tables(generated: Path):
    app_config = importlib.import_module(f"{PACKAGE}.piccolo_app").APP_CONFIG
    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=app_config)
    assert [statement for group in statements for statement in group.statements] == []


# --- what it does, in this process ------------------------------------------------------------


async def test_generated_plugin_serves_its_api_page_and_contact_panel(crm_client):
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    created = await crm_client.post(f"/api/v1/{SLUG}/items", json={"title": "Ring Ada", "contact_id": contact["id"]})
    assert created.status_code == 201, created.text
    listed = (await crm_client.get(f"/api/v1/{SLUG}/items")).json()["items"]
    assert [item["title"] for item in listed] == ["Ring Ada"]
    page = await crm_client.get(f"/{SLUG}/")
    assert page.status_code == 200 and "<h1>Scaffolded</h1>" in page.text and "Ring Ada" in page.text
    contact_page = await crm_client.get(f"/contacts/{contact['id']}")
    assert "Ring Ada" in contact_page.text


async def test_generated_plugin_is_purged_with_its_table(crm_client):
    await crm_client.post(f"/api/v1/{SLUG}/items", json={"title": "Gone soon"})
    purged = await purge.purge(runtime.current().host, SLUG)
    assert purged.database_apps == (SLUG,)
    assert purged.rows["crm_search_entry"] == 1
    assert await fetch("SELECT id FROM crm_search_entry WHERE kind = {}", f"{SLUG}.item") == []
    with pytest.raises(Exception, match=f"{SLUG}_item"):
        await fetch(f"SELECT id FROM {SLUG}_item")


# --- its own tests ----------------------------------------------------------------------------


def test_generated_tests_pass_on_sqlite_and_postgres(generated: Path, crm_postgres):
    crm_postgres.require()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        capture_output=True, text=True, cwd=generated, timeout=900,
        env={**os.environ, "PYTHONPATH": str(generated)},
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    tests = (generated / "tests" / f"test_{SLUG}.py").read_text().count("\nasync def test_")
    assert re.match(rf"{2 * tests} passed in ", summary), summary
