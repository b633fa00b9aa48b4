"""Outbound webhooks: signed per the Standard Webhooks specification, two signatures while a
secret is rotated, retried with backoff, logged with response codes; the SSRF guard refuses
internal addresses however they are written, after DNS resolution, and never follows a
redirect."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from crm_automation import guard, signing

from crm_platform import toolkit


class Receiver:
    """A real HTTP server on 127.0.0.1 that answers with the statuses it is told, in turn."""

    def __init__(self, statuses: list[int], location: str = "") -> None:
        self.statuses, self.location, self.received = list(statuses), location, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                if receiver.location:
                    self.send_header("location", receiver.location)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made: list[Receiver] = []

    def make(statuses: list[int], location: str = "") -> Receiver:
        made.append(Receiver(statuses, location))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def _expected(secret: str, headers: dict[str, str], body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


async def _allow_local(port: int) -> None:
    # The explicit test-only allowance: the receiver lives on loopback, on a port of its own.
    await toolkit.set_setting("automation", "allow_private_webhook_targets", True)
    await toolkit.set_setting("automation", "webhook_ports", f"80,443,{port}")


async def _hook_workflow(crm_client, make_workflow, url: str) -> dict:
    endpoint = (await crm_client.post("/api/v1/automation/endpoints", json={"name": "Receiver", "url": url})).json()
    await make_workflow(name="Tell the receiver", trigger={"event": "RecordCreated", "kind": "contact"},
                        steps=[{"action": "automation.webhook", "endpoint_id": endpoint["id"]}])
    return endpoint


async def test_a_webhook_is_signed_and_its_delivery_logged(crm_client, make_workflow, crm_run_jobs, receiver_factory):
    receiver = receiver_factory([204])
    await _allow_local(receiver.port)
    endpoint = await _hook_workflow(crm_client, make_workflow, receiver.url)
    assert endpoint["secret"].startswith("whsec_")
    listed = (await crm_client.get("/api/v1/automation/endpoints")).json()
    assert endpoint["secret"] not in json.dumps(listed)  # shown once, at creation

    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Hook"})).json()
    await crm_run_jobs()
    [(headers, body)] = receiver.received
    lowered = {key.lower(): value for key, value in headers.items()}
    assert lowered["webhook-id"].startswith("msg_") and lowered["webhook-timestamp"].isdigit()
    assert lowered["webhook-signature"] == _expected(endpoint["secret"], lowered, body)
    assert signing.verify(endpoint["secret"], lowered, body) == lowered["webhook-id"]
    payload = json.loads(body)
    assert payload["record"] == {"kind": "contact", "id": contact["id"], "fields": payload["record"]["fields"]}
    [delivery] = (await crm_client.get(f"/api/v1/automation/endpoints/{endpoint['id']}/deliveries")).json()
    assert delivery["state"] == "delivered" and delivery["last_status"] == 204
    assert [entry["status"] for entry in delivery["log"]] == [204]


async def test_signing_secrets_are_stored_sealed_and_clear_ones_are_sealed_by_the_migration(
        crm_client, make_workflow, crm_run_jobs, receiver_factory):
    from crm_automation.migrations.automation_0004_sealed_secrets import seal_clear_secrets

    receiver = receiver_factory([204])
    await _allow_local(receiver.port)
    endpoint = await _hook_workflow(crm_client, make_workflow, receiver.url)
    hook = (await crm_client.post("/api/v1/automation/inbound", json={"name": "Shop"})).json()
    [stored] = await toolkit.fetch("SELECT secrets FROM automation_endpoint WHERE id = {}", endpoint["id"])
    [stored_inbound] = await toolkit.fetch("SELECT secret FROM automation_inbound WHERE id = {}", hook["id"])
    assert endpoint["secret"] not in str(stored["secrets"]) and hook["secret"] not in stored_inbound["secret"]
    assert "sealed:v1:" in str(stored["secrets"]) and stored_inbound["secret"].startswith("sealed:v1:")

    # A secret written in clear before sealing existed: the migration seals it, and it still signs.
    await toolkit.execute("UPDATE automation_endpoint SET secrets = {} WHERE id = {}",
                          json.dumps([endpoint["secret"]]), endpoint["id"])
    await seal_clear_secrets()
    [stored] = await toolkit.fetch("SELECT secrets FROM automation_endpoint WHERE id = {}", endpoint["id"])
    assert endpoint["secret"] not in str(stored["secrets"])
    [listed] = (await crm_client.get("/api/v1/automation/endpoints")).json()
    assert listed["secrets"] == [f"{endpoint['secret'][:6]}…{endpoint['secret'][-4:]}"]
    await crm_client.post("/api/v1/contacts", json={"given_name": "Hook"})
    await crm_run_jobs()
    [(headers, body)] = receiver.received
    lowered = {key.lower(): value for key, value in headers.items()}
    assert signing.verify(endpoint["secret"], lowered, body) == lowered["webhook-id"]


async def test_a_rotated_secret_signs_beside_the_old_one(crm_client, make_workflow, crm_run_jobs, receiver_factory):
    receiver = receiver_factory([200])
    await _allow_local(receiver.port)
    endpoint = await _hook_workflow(crm_client, make_workflow, receiver.url)
    rotated = (await crm_client.post(f"/api/v1/automation/endpoints/{endpoint['id']}/rotate")).json()
    await crm_client.post("/api/v1/contacts", json={"given_name": "Rot"})
    await crm_run_jobs()
    [(headers, body)] = receiver.received
    lowered = {key.lower(): value for key, value in headers.items()}
    assert lowered["webhook-signature"].split(" ") == [
        _expected(rotated["secret"], lowered, body), _expected(endpoint["secret"], lowered, body)]


async def test_a_failed_delivery_is_retried_with_backoff(
    crm_client, make_workflow, crm_run_jobs, crm_clock, receiver_factory
):
    receiver = receiver_factory([500, 503, 200])
    await _allow_local(receiver.port)
    endpoint = await _hook_workflow(crm_client, make_workflow, receiver.url)
    await crm_client.post("/api/v1/contacts", json={"given_name": "Retry"})
    await crm_run_jobs()
    deliveries = f"/api/v1/automation/endpoints/{endpoint['id']}/deliveries"
    [delivery] = (await crm_client.get(deliveries)).json()
    assert delivery["state"] == "retrying" and delivery["last_status"] == 500
    crm_clock.advance(seconds=30)
    await crm_run_jobs()  # not due yet: the first retry waits a minute
    assert len(receiver.received) == 1
    crm_clock.advance(minutes=1)
    await crm_run_jobs()
    crm_clock.advance(minutes=5)
    await crm_run_jobs()
    [delivery] = (await crm_client.get(deliveries)).json()
    assert delivery["state"] == "delivered"
    assert [entry["status"] for entry in delivery["log"]] == [500, 503, 200]
    assert len({headers["webhook-id"] for headers, _ in receiver.received}) == 1  # one message, retried


async def test_a_redirect_to_an_internal_address_is_not_followed(
    crm_client, make_workflow, crm_run_jobs, receiver_factory
):
    receiver = receiver_factory([302], location="http://169.254.169.254/latest/meta-data/")
    await _allow_local(receiver.port)
    endpoint = await _hook_workflow(crm_client, make_workflow, receiver.url)
    await crm_client.post("/api/v1/contacts", json={"given_name": "Redirect"})
    await crm_run_jobs()
    [delivery] = (await crm_client.get(f"/api/v1/automation/endpoints/{endpoint['id']}/deliveries")).json()
    assert delivery["last_status"] == 302 and delivery["log"][0]["error"] == "redirects are not followed"
    assert len(receiver.received) == 1


async def test_without_the_allowance_a_loopback_receiver_is_refused(
    crm_client, make_workflow, crm_run_jobs, receiver_factory
):
    receiver = receiver_factory([200])
    await toolkit.set_setting("automation", "webhook_ports", f"80,443,{receiver.port}")
    endpoint = await _hook_workflow(crm_client, make_workflow, receiver.url)
    await crm_client.post("/api/v1/contacts", json={"given_name": "Blocked"})
    await crm_run_jobs()
    [delivery] = (await crm_client.get(f"/api/v1/automation/endpoints/{endpoint['id']}/deliveries")).json()
    assert delivery["state"] == "failed" and "127.0.0.1, a loopback address" in delivery["log"][0]["error"]
    assert receiver.received == []


@pytest.mark.parametrize("url, reason", [
    ("http://0x7f000001/hook", "loopback"),
    ("http://2130706433/hook", "loopback"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("http://localhost./hook", "loopback"),
    ("http://localhost/hook", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://10.1.2.3/hook", "private"),
    ("http://[fd00::1]/hook", "private"),
    ("http://0.0.0.0/hook", "private"),
    ("ftp://example.com/hook", "only http and https"),
    ("http://example.com:22/hook", "port 22 is not allowed"),
    ("http://user:pw@example.com/hook", "user name or password"),
])
async def test_the_guard_refuses_internal_and_odd_addresses(url, reason):
    with pytest.raises(guard.UnsafeTarget, match=reason):
        await guard.check(url)


async def test_a_name_that_resolves_to_loopback_is_refused_after_resolution():
    name = socket.gethostname()  # /etc/hosts maps this machine's own name to a loopback address
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(name, 80)}
    except socket.gaierror:
        pytest.skip(f"this machine's name {name!r} does not resolve")
    if not all(ipaddress.ip_address(address).is_loopback for address in addresses):
        pytest.skip(f"{name!r} resolves to {addresses}, not to loopback")
    with pytest.raises(guard.UnsafeTarget, match=f"{name} resolves to 127"):
        await guard.check(f"http://{name}/hook")


def test_a_signature_is_refused_when_wrong_old_or_missing():
    secret = signing.new_secret()
    headers = signing.headers([secret], "msg_1", 1_700_000_000, b"{}")
    assert signing.verify(secret, headers, b"{}", now=1_700_000_010) == "msg_1"
    with pytest.raises(signing.BadSignature, match="no webhook-signature matches"):
        signing.verify(secret, headers, b'{"x": 1}', now=1_700_000_010)
    with pytest.raises(signing.BadSignature, match="five minutes"):
        signing.verify(secret, headers, b"{}", now=1_700_001_000)
    with pytest.raises(signing.BadSignature, match="required"):
        signing.verify(secret, {}, b"{}")


async def test_an_endpoint_with_a_bad_address_is_a_422_naming_url(crm_client):
    response = await crm_client.post("/api/v1/automation/endpoints", json={"name": "x", "url": "file:///etc/passwd"})
    assert response.status_code == 422 and "only http and https" in response.json()["errors"]["url"]
