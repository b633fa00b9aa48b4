"""Text a workflow author writes with the record's fields (``Hello {{ record.given_name }}``),
rendered in Jinja's sandbox: no attribute of Python internals, no imports, bounded output."""

from __future__ import annotations

from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_TEMPLATE = 20_000
MAX_OUTPUT = 100_000

_env = ImmutableSandboxedEnvironment(autoescape=False, trim_blocks=True)


def check(text: Any, field: str) -> dict[str, str]:
    if not isinstance(text, str):
        return {field: "must be text"}
    if len(text) > MAX_TEMPLATE:
        return {field: f"must be at most {MAX_TEMPLATE} characters"}
    try:
        _env.parse(text)
    except TemplateError as exc:
        return {field: f"is not a valid template: {exc}"}
    return {}


def render(text: str, context: dict[str, Any]) -> str:
    """``text`` rendered with ``context``; a template that fails is a ``ValueError`` saying why."""
    try:
        out = _env.from_string(text).render(**context)
    except TemplateError as exc:
        raise ValueError(f"the template cannot be rendered: {exc}") from exc
    return out[:MAX_OUTPUT]
