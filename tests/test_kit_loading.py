"""How the test kit joins a pytest run: only where crm-platform's test extra is installed, with
cheap password hashing that stays out of production, and apart from other xdist workers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from crm_platform import testing
from crm_platform.users import passwords

# A pytest run on a Python where crm-platform is installed without its test extra: the
# extra's modules cannot be imported (pytest-asyncio's own entry point is switched off too).
RUN_WITHOUT_THE_EXTRA = textwrap.dedent("""
    import sys

    class WithoutTheTestExtra:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in ("pytest_asyncio", "httpx", "aiosmtpd"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    sys.meta_path.insert(0, WithoutTheTestExtra())
    import pytest
    code = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:asyncio", "-p", "no:xdist", "test_plain.py"])
    print("kit loaded:", "crm_platform.testing" in sys.modules)
    sys.exit(code)
""")


def _run(script: str, folder: Path) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=folder,
                          env=environment, timeout=120)


def test_a_pytest_run_without_the_test_extra_does_not_load_the_kit(tmp_path: Path) -> None:
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert True\n")
    result = _run(RUN_WITHOUT_THE_EXTRA, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "kit loaded: False" in result.stdout


def test_a_run_with_the_test_extra_has_the_kits_fixtures(pytestconfig) -> None:
    assert pytestconfig.pluginmanager.get_plugin("crm_platform.testing") is testing


def test_production_hashes_passwords_with_argon2s_recommended_costs(tmp_path: Path) -> None:
    result = _run("from crm_platform.users.passwords import hash_now; print(hash_now('a password'))", tmp_path)
    assert result.stdout.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), result.stdout + result.stderr
    assert passwords.PRODUCTION_HASHER.hash("a password").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_the_kit_hashes_cheaply_and_still_checks(tmp_path: Path) -> None:
    hashed = passwords.hash_now("a password")
    assert hashed.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert passwords._verify("a password", hashed) and not passwords._verify("another", hashed)


def test_each_xdist_worker_has_its_own_redis_database(monkeypatch) -> None:
    databases = set()
    for worker in ("main", "gw0", "gw1", "gw7"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        databases.add(testing._redis_database())
    assert len(databases) == 4 and 0 not in databases


def test_the_session_database_is_named_for_its_worker(crm_postgres) -> None:
    url = crm_postgres.require()
    assert f"crm_test_{testing.worker_name()}_" in url


def test_a_missing_server_skips_saying_why_and_fails_where_it_is_required(monkeypatch) -> None:
    import pytest

    missing = testing._Server(None, "PostgreSQL not reachable at postgresql://nowhere", "CRM_REQUIRE_POSTGRES")
    monkeypatch.delenv("CRM_REQUIRE_POSTGRES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not reachable at postgresql://nowhere"):
        missing.require()
    monkeypatch.setenv("CRM_REQUIRE_POSTGRES", "1")
    with pytest.raises(pytest.fail.Exception, match="CRM_REQUIRE_POSTGRES=1 requires it"):
        missing.require()


def test_ci_requires_postgresql_and_redis() -> None:
    script = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    assert "CRM_REQUIRE_POSTGRES=1" in script and "CRM_REQUIRE_REDIS=1" in script
