"""Request bodies the API refuses before decoding them: JSON nested too deeply."""

from __future__ import annotations

from crm_platform.web.requests import MAX_JSON_DEPTH, too_deep


async def test_json_nested_a_thousand_levels_is_a_400_naming_the_limit(crm_client):
    for body in (b"[" * 1000 + b"]" * 1000, b'{"given_name": ' + b'{"a": ' * 999 + b"1" + b"}" * 1000):
        response = await crm_client.post("/api/v1/contacts", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400
        assert response.json()["detail"] == f"the JSON body nests 1000 levels deep; at most {MAX_JSON_DEPTH} are accepted"
    # The app is none the worse for it.
    assert (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).status_code == 201


async def test_deep_json_is_refused_on_every_json_endpoint(crm_client):
    body = b'{"value": ' + b"[" * 200 + b"]" * 200 + b"}"
    response = await crm_client.put(
        "/api/v1/settings/core/theme", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "nests 201 levels deep" in response.json()["detail"]


def test_brackets_inside_strings_are_not_nesting():
    assert too_deep(b'{"name": "' + b"[{" * 500 + b'"}') is None
    assert too_deep(b'{"name": "\\"' + b"[" * 100 + b'"}') is None
    assert too_deep(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1)) == MAX_JSON_DEPTH + 1
    # Many shallow items, as in a bulk create, are fine.
    assert too_deep(b"[" + b",".join([b'{"tags": ["a"]}'] * 5000) + b"]") is None
