"""Contact identities through the toolkit: normalised once, found in one lookup, kept by one
contact, moved by a merge and put back by its undo; ``Skip`` from a kind's clean."""

from __future__ import annotations

import pytest

from crm_platform.toolkit import (
    Identity,
    Invalid,
    Skip,
    add_identities,
    contacts_by_identity,
    identities_of,
    normalise_identity,
    remove_identity,
)

pytestmark = pytest.mark.postgres


async def _contact(client, name, **fields):
    response = await client.post("/api/v1/contacts", json={"display_name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_identities_have_one_spelling(crm_app):
    assert normalise_identity("email", " Ann@Example.ORG ") == Identity("email", "ann@example.org")
    assert normalise_identity("email", "not an address") is None
    assert normalise_identity("phone", "+44 20 7946 0000") == Identity("phone", "+442079460000")
    assert normalise_identity("handle", "@Ann_B", "Instagram") == Identity("handle", "ann_b", "instagram")
    assert normalise_identity("handle", "ann", "") is None
    with pytest.raises(Invalid) as raised:
        normalise_identity("fax", "123")
    assert "kind" in raised.value.errors


async def test_one_lookup_finds_contacts_by_identity_and_primary_email(crm_client):
    ann = await _contact(crm_client, "Ann", emails=[{"address": "ann@example.org"}])
    bob = await _contact(crm_client, "Bob")
    handle, phone = Identity("handle", "bobby", "instagram"), Identity("phone", "+442079460000")
    assert await add_identities(bob, [handle, phone, handle]) == 2
    assert await add_identities(ann, [handle]) == 0  # Bob's already
    found = await contacts_by_identity([Identity("email", "ann@example.org"), handle, phone,
                                        Identity("email", "nobody@example.org")])
    assert found == {Identity("email", "ann@example.org"): ann, handle: bob, phone: bob}
    assert await identities_of([bob]) == {bob: [Identity("handle", "bobby", "instagram"), phone]}
    assert await remove_identity(bob, phone) is True
    assert await contacts_by_identity([phone]) == {}


async def test_a_merge_moves_identities_and_its_undo_puts_them_back(crm_client):
    survivor = await _contact(crm_client, "Ann")
    other = await _contact(crm_client, "Ann B")
    handle = Identity("handle", "annb", "x")
    await add_identities(other, [handle])
    merged = await crm_client.post("/api/v1/merges", json={"kind": "contact", "survivor_id": survivor,
                                                           "other_id": other, "choices": {}})
    assert merged.status_code in (200, 201), merged.text
    assert await contacts_by_identity([handle]) == {handle: survivor}
    undone = await crm_client.post(f"/api/v1/merges/{merged.json()['merge_id']}/undo")
    assert undone.status_code == 200, undone.text
    assert await contacts_by_identity([handle]) == {handle: other}


def test_skip_is_an_invalid_naming_the_record():
    skip = Skip("a mailing-list message")
    assert isinstance(skip, Invalid) and skip.reason == "a mailing-list message"
    assert skip.errors == {"record": "a mailing-list message"}
