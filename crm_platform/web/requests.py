"""The app's request class: JSON bodies nested too deeply are refused before they are decoded."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ClientException
from litestar.types import Empty

# Far deeper than any body the API takes (a custom field's value is the deepest, at three or
# four levels), far shallower than the decoder's recursion limit, past which it answers a 500.
MAX_JSON_DEPTH = 64
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def too_deep(body: bytes) -> int | None:
    """How deeply the arrays and objects of the JSON text ``body`` nest, counted over its
    brackets outside strings, when that is more than :data:`MAX_JSON_DEPTH`; else ``None``.
    Malformed text is left for the decoder to refuse."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return None  # the common case: two scans in C
    depth = deepest = 0
    for byte in _NOT_BRACKET.sub(b"", _STRING.sub(b"", body)):
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest if deepest > MAX_JSON_DEPTH else None


class CrmRequest(Request):
    """Litestar's request, whose ``json()`` (what every JSON body parameter reads) refuses a
    body nested too deeply with a 400 naming the limit."""

    async def json(self) -> Any:
        if self._json is Empty and self._connection_state.json is Empty:
            depth = too_deep(await self.body())
            if depth is not None:
                raise ClientException(f"the JSON body nests {depth} levels deep; at most {MAX_JSON_DEPTH} are accepted")
        return await super().json()
