"""Importing Piccolo's configuration module opens no database and loads no plugin; reading
its ``DB`` and ``APP_REGISTRY`` does, once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
import crm_platform.piccolo_conf as conf
facts = {}
if sys.argv[1] == "read":
    facts["engine_path"] = conf.DB.path
    facts["same_engine"] = conf.DB is conf.DB
    facts["apps"] = sorted(conf.APP_REGISTRY.app_configs)
facts["attributes"] = sorted(name for name in ("DB", "APP_REGISTRY") if name in vars(conf))
facts["plugin_modules"] = sorted(
    name for name in ("crm_sales", "crm_platform._plugins.discovery") if name in sys.modules
)
print(json.dumps(facts))
"""


def _probe(tmp_path: Path, mode: str) -> tuple[dict, Path]:
    database = tmp_path / "must-not-exist" / "crm.sqlite3"
    env = {**os.environ, "CRM_DATABASE_URL": f"sqlite:///{database}", "CRM_CONFIG": str(tmp_path / "none.toml")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), database


def test_importing_the_configuration_opens_no_database_and_loads_no_plugin(tmp_path: Path) -> None:
    facts, database = _probe(tmp_path, "import")
    assert facts == {"attributes": [], "plugin_modules": []}
    assert not database.parent.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_reading_the_configuration_builds_the_engine_and_the_registry_once(tmp_path: Path) -> None:
    facts, database = _probe(tmp_path, "read")
    assert facts["engine_path"] == str(database)
    assert facts["same_engine"] is True
    assert facts["attributes"] == ["APP_REGISTRY", "DB"]
    # The registry holds the core's app and every installed plugin's (the sales plugin here).
    assert {"crm", "sales"} <= set(facts["apps"])
    assert facts["plugin_modules"] == ["crm_platform._plugins.discovery", "crm_sales"]
