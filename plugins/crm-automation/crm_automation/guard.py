"""The SSRF guard for outbound webhooks: only http and https, only allowed ports, and every
address the name resolves to must be a public one (no private, loopback, link-local, shared,
multicast or metadata address), checked after DNS resolution, so ``0x7f000001``,
``2130706433``, ``[::ffff:127.0.0.1]``, ``localhost.`` and a name that resolves to 127.0.0.1
are all refused. Redirects are never followed (the caller sends with them off)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

ALLOWED_PORTS = (80, 443, 8080, 8443)


class UnsafeTarget(ValueError):
    """The address may not be called; the message says why."""


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address (cloud metadata lives there)"
    if address.is_private:
        return "a private address"
    if address.is_multicast or address.is_reserved or address.is_unspecified or not address.is_global:
        return "not a public address"
    return None


def parse(url: str, allowed_ports: tuple[int, ...] = ALLOWED_PORTS) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of a URL a webhook may call, before resolution."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget(f"not a valid address: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("only http and https addresses may be called")
    if not parts.hostname:
        raise UnsafeTarget("the address names no host")
    if parts.username or parts.password:
        raise UnsafeTarget("the address may not carry a user name or password")
    host = parts.hostname.rstrip(".")  # "localhost." is "localhost": DNS names may end with a dot
    if host == "localhost" or host.endswith(".localhost"):
        raise UnsafeTarget(f"{parts.hostname} is a loopback name")
    port = port or (443 if parts.scheme == "https" else 80)
    if port not in allowed_ports:
        raise UnsafeTarget(f"port {port} is not allowed; use one of {', '.join(map(str, allowed_ports))}")
    return parts.scheme, host, port


async def resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnsafeTarget(f"the host {host!r} cannot be resolved: {exc.strerror}") from None
    return sorted({info[4][0] for info in infos})


async def check(url: str, *, allow_private: bool = False, allowed_ports: tuple[int, ...] = ALLOWED_PORTS) -> list[str]:
    """The addresses ``url`` resolves to, once each is known to be safe to call; raises
    :class:`UnsafeTarget` naming the reason. ``allow_private`` (a test and closed-network
    setting) lets private and loopback addresses through, never the scheme or port rules."""
    _, host, port = parse(url, allowed_ports)
    addresses = await resolve(host, port)
    if not allow_private:
        for text in addresses:
            reason = _forbidden(ipaddress.ip_address(text.split("%", 1)[0]))
            if reason:
                raise UnsafeTarget(f"{host} resolves to {text}, {reason}")
    return addresses
