"""``deploy/compose.yaml`` (docs/deployment.md) runs what the app expects: the four services,
settings the app reads by the names it reads them, and URLs that name the services."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from crm_platform.config import Settings, load_settings
from crm_platform.jobs.queue import make_huey

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
SETTING_NAMES = {f"CRM_{spec.name.upper()}" for spec in fields(Settings) if spec.name != "extra"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _environment(service: dict) -> dict[str, str]:
    return {name: str(value) for name, value in service.get("environment", {}).items()}


def test_the_compose_file_runs_postgres_redis_the_web_app_and_a_worker(compose) -> None:
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker"} <= set(services)
    assert services["web"]["command"][:2] == ["crm", "run"]
    assert services["worker"]["command"][:2] == ["crm", "worker"]
    assert services["migrate"]["command"] == ["crm", "migrate"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["postgres"]["volumes"] and services["redis"]["volumes"]


def test_every_crm_variable_it_sets_is_a_setting_the_app_reads(compose) -> None:
    named = set()
    for service in compose["services"].values():
        named |= {name for name in _environment(service) if name.startswith("CRM_")}
    example = (DEPLOY / "crm.env.example").read_text()
    named |= set(re.findall(r"^(CRM_[A-Z_]+)=", example, re.MULTILINE))
    named |= set(re.findall(r"\bENV (CRM_[A-Z_]+)=", (DEPLOY / "Dockerfile").read_text()))
    assert named - SETTING_NAMES == set()
    assert {"CRM_DATABASE_URL", "CRM_JOBS_URL", "CRM_REDIS_URL", "CRM_SECRET_KEY", "CRM_BASE_URL"} <= named


def test_the_web_app_reads_its_settings_as_compose_gives_them(compose) -> None:
    web = compose["services"]["web"]
    environment = {name: value.replace("${POSTGRES_PASSWORD:-crm}", "crm") for name, value in _environment(web).items()}
    settings = load_settings(environment, config_file=Path("/nonexistent/crm.toml"))
    assert settings.workers == 4 and settings.log_format == "json"
    # Several web processes need Redis for the sessions and login limits (crm run refuses otherwise).
    assert urlparse(settings.redis_url).hostname == "redis"
    assert urlparse(settings.database_url).hostname == "postgres"
    assert urlparse(settings.jobs_url).scheme == "postgresql" and urlparse(settings.jobs_url).hostname == "postgres"
    assert settings.trusted_proxies
    # The web app and the worker share the uploads waiting for an import job.
    worker = compose["services"]["worker"]
    assert settings.imports_dir == _environment(worker)["CRM_IMPORTS_DIR"]
    mounts = {volume.split(":")[1] for volume in worker["volumes"]} & {volume.split(":")[1] for volume in web["volumes"]}
    assert settings.imports_dir in mounts
    assert web["ports"] == ["127.0.0.1:8000:8000"]


def test_the_worker_and_the_web_app_use_one_queue(compose) -> None:
    web, worker = (_environment(compose["services"][name]) for name in ("web", "worker"))
    assert web["CRM_JOBS_URL"] == worker["CRM_JOBS_URL"]
    assert web["CRM_DATABASE_URL"] == worker["CRM_DATABASE_URL"]


def test_an_unknown_queue_scheme_is_refused_naming_the_ones_there_are() -> None:
    with pytest.raises(ValueError) as raised:
        make_huey("mysql://crm@db/crm")
    assert "unsupported scheme 'mysql'" in str(raised.value)
    assert "postgresql://" in str(raised.value)
