"""``crm user set-password|disable|enable|invite|hand-over``, run as an admin would."""

from __future__ import annotations

from crm_platform.audit.service import history
from crm_platform.db.raw import execute, fetch
from crm_platform.users import invites, service


async def test_set_password_asks_twice_and_the_new_one_signs_in(crm_cli, crm_member):
    result = crm_cli("user", "set-password", "member@example.com", input="plum tree rain\nplum tree rain\n")
    assert result.exit_code == 0, result.output
    assert "password set for member@example.com" in result.output
    assert "plum tree rain" not in result.output  # the prompt hides what is typed
    assert await service.authenticate("member@example.com", "plum tree rain") is not None
    assert "password" in [entry["action"] for entry in await history("user", crm_member[0].id)]


async def test_set_password_refuses_two_different_answers(crm_cli, crm_member):
    result = crm_cli("user", "set-password", "member@example.com", input="plum tree rain\nplum tree snow\n")
    assert result.exit_code != 0
    assert "do not match" in result.output.lower() or "Error" in result.output


async def test_set_password_reads_stdin_and_applies_the_policy(crm_cli, crm_member):
    refused = crm_cli("user", "set-password", "member@example.com", "--stdin", input="qwerty123\n")
    assert refused.exit_code == 1
    assert "password: is one of the 10,000 most common passwords" in refused.output
    accepted = crm_cli("user", "set-password", "member@example.com", "--stdin", input="  spaces kept here \n")
    assert accepted.exit_code == 0, accepted.output
    assert await service.authenticate("member@example.com", "  spaces kept here ") is not None


async def test_user_create_asks_for_the_password_when_not_given(crm_cli):
    result = crm_cli("user", "create", "nora@example.com", "--role", "member", input="plum tree rain\nplum tree rain\n")
    assert result.exit_code == 0, result.output
    assert await service.authenticate("nora@example.com", "plum tree rain") is not None


async def test_user_create_refuses_an_over_long_password(crm_cli):
    result = crm_cli("user", "create", "nora@example.com", "--role", "member", "--password", "p" * 129)
    assert result.exit_code == 1
    assert "password: must be at most 128 characters" in result.output


async def test_disable_and_enable_say_what_they_did(crm_cli, crm_member):
    assert crm_cli("user", "disable", "member@example.com").output.strip() == "member@example.com disabled"
    assert crm_cli("user", "disable", "member@example.com").output.strip() == "member@example.com was disabled already"
    assert await fetch("SELECT count(*) AS n FROM crm_api_token WHERE revoked_at IS NULL") == [{"n": 0}]
    assert crm_cli("user", "enable", "member@example.com").output.strip() == "member@example.com enabled"
    assert await fetch("SELECT count(*) AS n FROM crm_api_token WHERE revoked_at IS NULL") == [{"n": 0}]
    unknown = crm_cli("user", "disable", "nobody@example.com")
    assert unknown.exit_code == 1 and "user nobody@example.com does not exist" in unknown.output


async def test_invite_prints_the_link_last(crm_cli):
    result = crm_cli("user", "invite", "nora@example.com", "--role", "manager", "--team", "Ops")
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:8000/invite/")
    assert (await invites.pending(link.rsplit("/", 1)[1]))["email"] == "nora@example.com"


async def test_hand_over_prints_what_moved_per_kind(crm_cli, crm_client, crm_make_user):
    leaving, _ = await crm_make_user("leaving@example.com", team="East")
    await crm_make_user("east1@example.com", team="East")
    await crm_make_user("east2@example.com", team="East")
    for number in range(2):
        await crm_client.post("/api/v1/contacts", json={"given_name": f"C{number}", "owner_id": leaving.id})
    result = crm_cli("user", "hand-over", "leaving@example.com", "--team", "East")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "handed over 2 records of leaving@example.com to east1@example.com, east2@example.com", "  contact: 2"]


async def test_hand_over_needs_exactly_one_target(crm_cli, crm_member):
    result = crm_cli("user", "hand-over", "member@example.com")
    assert result.exit_code == 2 and "give one of --to EMAIL or --team TEAM" in result.output
    unknown = crm_cli("user", "hand-over", "member@example.com", "--team", "Nowhere")
    assert unknown.exit_code == 1 and "team Nowhere does not exist" in unknown.output


def _demo_password(output: str) -> str:
    [line] = [line for line in output.splitlines() if line.startswith("Sign in at")]
    return line.split(" with the password ", 1)[1].split(" ", 1)[0]


async def test_the_demo_admin_password_is_random_per_instance_and_only_its_hash_is_kept(crm_cli):
    first = crm_cli("demo", "--contacts", "5", "--seed", "7")
    assert first.exit_code == 0, first.output
    password = _demo_password(first.output)
    assert "crm user set-password admin@example.com" in first.output
    assert await service.authenticate("admin@example.com", password) is not None
    [stored] = await fetch("SELECT password_hash FROM crm_user WHERE email = {}", "admin@example.com")
    assert password not in stored["password_hash"] and stored["password_hash"].startswith("$argon2")
    for table in ("crm_search_entry", "crm_tagging", "crm_activity_link", "crm_activity", "crm_relationship",
                  "crm_lifecycle_change", "crm_contact", "crm_company", "crm_user"):
        await execute(f"DELETE FROM {table}")  # as on another instance, the same seed
    second = crm_cli("demo", "--contacts", "5", "--seed", "7")
    assert _demo_password(second.output) != password
    again = crm_cli("demo", "--contacts", "5", "--seed", "7", "--if-empty")
    assert "the password printed when the demo was loaded" in again.output
    assert _demo_password(second.output) not in again.output
