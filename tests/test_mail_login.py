"""The relay's password comes from the environment's setting alone: the job logs in with it,
and it is in no log line, no stored email and no job run."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator

import pytest

from crm_platform import toolkit
from crm_platform.config import load_settings
from crm_platform.testing import SMTP_SENDER, smtp_server

PASSWORD = "pw-9f3c1e"


@pytest.fixture
def relay(tmp_path) -> Iterator:
    with smtp_server(tmp_path, security="starttls", username="crm@example.com", password=PASSWORD) as server:
        yield server


@pytest.fixture
def crm_settings(crm_settings, relay):
    return dataclasses.replace(crm_settings, smtp_url=relay.url, smtp_password=PASSWORD, smtp_from=SMTP_SENDER)


async def test_the_job_logs_in_with_the_password_it_never_writes_down(crm_client, crm_run_jobs, relay, caplog):
    with caplog.at_level(logging.DEBUG):
        await toolkit.send_email("ann@example.com", "Signed in", "Words")
        [outcome] = [o for o in await crm_run_jobs() if o.job_name == "core.send_emails"]
    assert outcome.ok, outcome.error
    assert relay.logins == ["crm@example.com"] and [e.subject for e in relay.messages] == ["Signed in"]
    assert PASSWORD not in caplog.text
    stored = await toolkit.fetch("SELECT * FROM crm_outbound_email") + await toolkit.fetch("SELECT * FROM crm_job_run")
    assert PASSWORD not in repr(stored)
    assert PASSWORD not in repr(load_settings(environ={"CRM_SMTP_PASSWORD": PASSWORD}))


def test_the_password_is_read_from_the_environment_and_refused_in_a_file(tmp_path):
    settings = load_settings(
        environ={"CRM_SMTP_URL": "smtp://me@mail.example.com", "CRM_SMTP_PASSWORD": PASSWORD},
        config_file=tmp_path / "none.toml",
    )
    assert (settings.smtp_url, settings.smtp_password) == ("smtp://me@mail.example.com", PASSWORD)
    config = tmp_path / "crm.toml"
    config.write_text(f'[crm]\nsmtp_password = "{PASSWORD}"\n')
    with pytest.raises(ValueError, match="CRM_SMTP_PASSWORD") as caught:
        load_settings(environ={}, config_file=config)
    assert PASSWORD not in str(caught.value)
