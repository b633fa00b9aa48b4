"""Who a message is from and to: the business's own addresses, and the contacts the others are."""

from __future__ import annotations

from dataclasses import dataclass

from crm_platform.toolkit import Identity, normalise_identity, setting

SLUG = "conversations"


@dataclass(frozen=True)
class Own:
    """The business's own addresses and domains (setting ``own_addresses``) and handles."""

    addresses: frozenset[str]
    domains: frozenset[str]

    def __contains__(self, identity: Identity) -> bool:
        if identity.kind == "email":
            return identity.value in self.addresses or identity.value.rpartition("@")[2] in self.domains
        return identity.key in self.addresses


def parse_own(text: str) -> Own:
    """``"sales@acme.example, acme.example, @acme:instagram"`` → the addresses and domains."""
    addresses, domains = set(), set()
    for item in (part.strip().lower() for part in (text or "").replace(";", ",").split(",")):
        if not item:
            continue
        if "@" in item and not item.startswith("@"):
            addresses.add(item)
        elif item.startswith("@") and ":" in item:
            handle, _, network = item[1:].partition(":")
            if identity := normalise_identity("handle", handle, network):
                addresses.add(identity.key)
        else:
            domains.add(item.lstrip("@"))
    return Own(frozenset(addresses), frozenset(domains))


async def own_identities() -> Own:
    return parse_own(str(await setting(SLUG, "own_addresses") or ""))


async def creating_channels() -> set[str]:
    """The channels whose unknown senders become contacts at once; others wait in the queue."""
    text = str(await setting(SLUG, "create_contacts_channels") or "")
    return {part.strip().lower() for part in text.split(",") if part.strip()}


def identity_of(channel: str, text: str) -> Identity | None:
    """A participant as an identity: an email address, a phone number (WhatsApp) or a handle
    on the channel's network."""
    if not text:
        return None
    if channel == "email" or "@" in text:  # a chat member known by address (Slack) matches by it
        return normalise_identity("email", text) or normalise_identity("handle", text, channel)
    if channel == "whatsapp" and text.lstrip().startswith("+"):
        return normalise_identity("phone", text)
    return normalise_identity("handle", text, channel)
