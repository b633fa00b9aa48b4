"""The contract stays documented and exercised: a new hookspec fails here until it has a
Google-style docstring with an example, a section in docs/plugins.md, a plugin in tests/
or plugins/ implementing it, and a test that calls it (marked ``exercises``)."""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
import re
import sys
from pathlib import Path

import crm_hookspecs
import pytest
from packaging.requirements import Requirement

from crm_platform import toolkit

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
HOOKSPECS = sorted(
    name
    for name, function in vars(crm_hookspecs.hookspecs).items()
    if inspect.isfunction(function) and hasattr(function, f"{crm_hookspecs.PROJECT_NAME}_spec")
)


def _section(title: str) -> str:
    """The text of the guide's ``## <title>`` section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", GUIDE.read_text(), re.M | re.S)
    assert match, f"docs/plugins.md has no '## {title}' section"
    return match.group(1)


def _python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in (ROOT / folder).rglob("*.py") if ".venv" not in path.parts]


def _implemented_hooks() -> dict[str, list[str]]:
    """Functions decorated with ``@hookimpl`` in tests/ and plugins/, by name."""
    found: dict[str, list[str]] = {}
    for path in _python_files("tests", "plugins"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                "hookimpl" in ast.unparse(decorator) for decorator in node.decorator_list
            ):
                found.setdefault(node.name, []).append(str(path.relative_to(ROOT)))
    return found


def test_hookspecs_are_found():
    assert "crm_event" in HOOKSPECS and len(HOOKSPECS) >= 20


@pytest.mark.parametrize("name", HOOKSPECS)
def test_hookspec_has_a_google_style_docstring_with_an_example(name):
    function = getattr(crm_hookspecs.hookspecs, name)
    doc = inspect.getdoc(function) or ""
    summary = doc.splitlines()[0] if doc else ""
    assert summary.endswith("."), f"{name}: the docstring must open with a one-line summary"
    parameters = list(inspect.signature(function).parameters)
    if parameters:
        args = re.search(r"^Args:\n((?:    .*\n?)+)", doc, re.M)
        assert args, f"{name}: the docstring needs an Args: section"
        for parameter in parameters:
            assert re.search(
                rf"^    {parameter}: \S", args.group(1), re.M
            ), f"{name}: Args: must describe {parameter}"
    assert re.search(r"^Returns:\n    \S", doc, re.M), f"{name}: the docstring needs a Returns: section"
    example = re.search(r"^Example::\n\n((?:    .*\n?|\n)+)", doc, re.M)
    assert example and f"def {name}(" in example.group(1), f"{name}: the Example:: must implement the hook"


@pytest.mark.parametrize("name", HOOKSPECS)
def test_hookspec_is_in_the_guides_hook_reference(name):
    reference = _section("Hook reference")
    assert f"### `{name}(" in reference, f"docs/plugins.md: add `{name}` to the hook reference"


def test_guides_hook_reference_names_only_existing_hooks():
    documented = set(re.findall(r"^### `(crm_\w+)\(", _section("Hook reference"), re.M))
    assert documented - set(HOOKSPECS) == set()


@pytest.mark.parametrize("name", HOOKSPECS)
def test_hookspec_is_implemented_by_a_test_or_first_party_plugin(name):
    assert name in _implemented_hooks(), (
        f"no plugin in tests/ or plugins/ implements {name}: add it to tests/plugins/crm-testplugin "
        "and a test that exercises it"
    )


def _exercised_hooks() -> dict[str, list[str]]:
    """Hooks named by ``@pytest.mark.exercises(...)`` on tests in tests/, by name: each such
    test fails unless it calls the hook on a plugin (tests/conftest.py checks it as it runs)."""
    found: dict[str, list[str]] = {}
    for path in _python_files("tests"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")):
                continue
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "pytest.mark.exercises":
                    for argument in decorator.args:
                        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                            found.setdefault(argument.value, []).append(f"{path.relative_to(ROOT)}::{node.name}")
    return found


@pytest.mark.parametrize("name", HOOKSPECS)
def test_hookspec_is_called_by_a_test(name):
    assert name in _exercised_hooks(), (
        f"no test calls {name}: mark one that does with @pytest.mark.exercises({name!r}); "
        "it then fails whenever the hook is not called"
    )


def test_exercises_marks_name_only_existing_hooks():
    assert set(_exercised_hooks()) - set(HOOKSPECS) == set()


def test_every_toolkit_name_is_in_the_guides_toolkit_reference():
    reference = _section("Toolkit reference")
    missing = [name for name in toolkit.__all__ if f"`{name}" not in reference]
    assert missing == [], f"docs/plugins.md: describe {', '.join(missing)} in the toolkit reference"


def test_hookspecs_distribution_depends_on_pluggy_only():
    requirements = [Requirement(line) for line in importlib.metadata.requires("crm-hookspecs") or []]
    assert [requirement.name for requirement in requirements if not requirement.marker] == ["pluggy"]


def test_hookspecs_package_imports_only_the_standard_library_and_pluggy():
    package = Path(crm_hookspecs.__file__).parent
    allowed = set(sys.stdlib_module_names) | {"pluggy", "crm_hookspecs", "__future__"}
    imported = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported - allowed == set()


def _plugin_sources() -> list[Path]:
    """The packages of test and first-party plugins, without their own tests."""
    sources = []
    for path in _python_files("tests/plugins", "plugins"):
        inside = path.relative_to(ROOT).parts
        if "tests" in inside[2:] or path.name.startswith("test_") or path.name == "conftest.py":
            continue
        sources.append(path)
    return sources


@pytest.mark.parametrize("path", _plugin_sources(), ids=lambda path: str(path.relative_to(ROOT)))
def test_plugin_imports_nothing_private_from_the_core(path):
    private = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        private += [
            name
            for name in names
            if name.startswith("crm_platform") and not name.startswith("crm_platform.toolkit")
        ]
    assert private == [], f"plugins may import crm_hookspecs and crm_platform.toolkit only, not {private}"


def _core_tables() -> set[str]:
    from crm_platform.piccolo_app import APP_CONFIG

    # The search index's tables are made by a hand-written migration, outside the app's classes.
    return {table._meta.tablename for table in APP_CONFIG.table_classes} | {"crm_search_entry", "crm_search_fts"}


@pytest.mark.parametrize("path", _plugin_sources(), ids=lambda path: str(path.relative_to(ROOT)))
def test_plugin_sql_names_no_core_table(path):
    """Plugins read and write the core's records through the toolkit, never its tables."""
    named = re.compile(rf"\b({'|'.join(sorted(_core_tables(), key=len, reverse=True))})\b")
    if path.parent.name == "migrations":
        return  # Piccolo's generated migrations name the core tables their foreign keys reference
    found = sorted(
        {match.group(1) for node in ast.walk(ast.parse(path.read_text()))
         if isinstance(node, ast.Constant) and isinstance(node.value, str)
         for match in named.finditer(node.value)}
    )
    assert found == [], f"{path.name} names the core's tables {found}: use the toolkit's reads and writes"


def test_the_toolkit_reference_says_which_functions_are_coroutines():
    reference = _section("Toolkit reference")
    unmarked = []
    for name in toolkit.__all__:
        if not inspect.iscoroutinefunction(inspect.unwrap(getattr(toolkit, name))):
            continue
        bullet = re.search(rf"^- [^\n]*`{name}\b.*?(?=^- |^\*\*|\Z)", reference, re.M | re.S)
        # The bullet's group: its bold heading and the sentences before the first bullet.
        heading = reference[: bullet.start()].rsplit("\n**", 1)[-1].split("\n- ", 1)[0] if bullet else ""
        if bullet is None or not re.search(r"coroutine|await", bullet.group(0) + heading):
            unmarked.append(name)
    assert unmarked == [], f"docs/plugins.md: say that {', '.join(unmarked)} must be awaited"
