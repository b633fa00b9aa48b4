"""Toolkit for plugins that keep secrets: sealed with the instance's key, opened only with it."""

from __future__ import annotations

import dataclasses

import pytest

from crm_platform import runtime, toolkit


async def test_a_sealed_secret_opens_with_the_instance_key_and_shows_nothing_in_clear(crm_client):
    sealed = toolkit.encrypt_secret("whsec_topsecretvalue")
    assert sealed.startswith("sealed:v1:")
    assert "topsecret" not in sealed
    assert toolkit.encrypt_secret("whsec_topsecretvalue") != sealed  # a fresh nonce each time
    assert toolkit.decrypt_secret(sealed) == "whsec_topsecretvalue"


async def test_a_secret_does_not_open_with_another_key_altered_or_in_clear(crm_client):
    sealed = toolkit.encrypt_secret("token-1234")
    altered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(toolkit.UnreadableSecret, match="another key or altered"):
        toolkit.decrypt_secret(altered)
    with pytest.raises(toolkit.UnreadableSecret, match="not a sealed secret"):
        toolkit.decrypt_secret("token-1234")
    current = runtime.current()
    other = dataclasses.replace(current, settings=dataclasses.replace(current.settings, secret_key="another-key"))
    runtime.install(other)
    try:
        with pytest.raises(toolkit.UnreadableSecret):
            toolkit.decrypt_secret(sealed)
    finally:
        runtime.install(current)
