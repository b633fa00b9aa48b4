"""The fixtures ``crm_platform.testing`` gives plugin authors, used as a plugin's tests use them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from crm_platform import testing

DOCS = Path(__file__).parents[1] / "docs" / "plugins.md"


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["probe"]


def _fixture_names() -> set[str]:
    """Functions of the kit (and of the IMAP server module beside it, whose fixture the kit
    loads) decorated with ``pytest.fixture`` or ``pytest_asyncio.fixture``."""
    modules = (Path(testing.__file__), Path(testing.__file__).with_name("testing_imap.py"))
    return {
        node.name for module in modules for node in ast.parse(module.read_text()).body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)
    }


def test_every_fixture_of_the_kit_is_listed_in_its_docstring_and_the_guide() -> None:
    names = _fixture_names()
    assert {"crm_cli", "crm_member", "crm_enable_plugin"} <= names
    testing_section = DOCS.read_text().split("### 7. Testing", 1)[1].split("\n## ", 1)[0]
    for name in sorted(names):
        assert re.search(rf"^- ``{name}``", testing.__doc__, re.M), f"{name} is not listed in crm_platform.testing"
        assert f"| `{name}`" in testing_section, f"{name} is missing from the fixture table in docs/plugins.md"


async def test_the_member_and_the_manager_share_a_team(crm_member, crm_manager) -> None:
    member, manager = crm_member[0], crm_manager[0]
    assert (member.role, manager.role) == ("member", "manager")
    assert member.team_id is not None and member.team_id == manager.team_id


async def test_the_manager_sees_what_the_member_owns(crm_member_client, crm_manager_client) -> None:
    created = await crm_member_client.post("/api/v1/contacts", json={"given_name": "Ada", "family_name": "Byron"})
    assert created.status_code == 201, created.text
    seen = await crm_manager_client.get(f"/api/v1/contacts/{created.json()['id']}")
    assert seen.status_code == 200
    assert seen.json()["display_name"] == "Ada Byron"


async def test_the_member_does_not_see_what_the_admin_owns(crm_client, crm_member_client) -> None:
    created = await crm_client.post("/api/v1/contacts", json={"given_name": "Grace"})
    assert (await crm_member_client.get(f"/api/v1/contacts/{created.json()['id']}")).status_code == 403


def test_the_cli_lists_the_tests_plugins(crm_cli) -> None:
    result = crm_cli("plugins", "list")
    assert result.exit_code == 0, result.output
    assert re.search(r"^probe\s+\S+\s+enabled", result.output, re.M), result.output
    assert "sales" not in result.output  # installed, but not one of this test's plugins


def test_the_cli_names_a_bad_argument(crm_cli) -> None:
    result = crm_cli("plugins", "enable", "nosuch")
    assert result.exit_code == 1
    assert "no plugin named 'nosuch' is installed (installed: probe)" in result.output


async def test_what_the_cli_writes_the_app_reads(crm_cli, crm_client) -> None:
    result = crm_cli("demo", "--contacts", "3", "--seed", "1")
    assert result.exit_code == 0, result.output
    listed = await crm_client.get("/api/v1/contacts")
    assert listed.status_code == 200
    assert len(listed.json()["items"]) >= 3


async def test_a_plugin_the_cli_disables_is_gone_from_the_app(crm_cli, crm_client) -> None:
    assert (await crm_client.get("/api/v1/probe/events")).status_code == 200
    assert crm_cli("plugins", "disable", "probe").output.strip() == "plugin probe disabled"
    assert (await crm_client.get("/api/v1/probe/events")).status_code == 404


async def test_a_disabled_plugin_answers_404_and_comes_back_when_enabled(
    crm_client, crm_disable_plugin, crm_enable_plugin
) -> None:
    await crm_disable_plugin("probe")
    assert (await crm_client.get("/api/v1/probe/events")).status_code == 404
    await crm_enable_plugin("probe")
    assert (await crm_client.get("/api/v1/probe/events")).status_code == 200


async def test_switching_an_unknown_plugin_names_the_installed_ones(crm_enable_plugin) -> None:
    from crm_platform.errors import Invalid

    with pytest.raises(Invalid) as raised:
        await crm_enable_plugin("nosuch")
    assert raised.value.errors == {"slug": "no plugin named 'nosuch' is installed (installed: probe)"}
