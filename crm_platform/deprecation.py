"""Retiring a toolkit name: it keeps working, and warns, for one minor version before removal.

The hook contract retires hooks the same way with pluggy's
``HookspecMarker(...)(warn_on_impl=DeprecationWarning(...))``; see "Versions and deprecation"
in docs/plugins.md.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def deprecated(since: str, removed_in: str, instead: str) -> Callable[[F], F]:
    """Mark a toolkit function as deprecated since platform version ``since``, to be removed
    in ``removed_in``; every call warns with a :class:`DeprecationWarning` naming ``instead``.

    Example::

        @deprecated(since="0.3", removed_in="0.4", instead="toolkit.search_records")
        async def find_records(principal, query, limit):
            return await search_records(principal, query, limit)
    """

    def mark(function: F) -> F:
        message = (
            f"{function.__module__}.{function.__qualname__} is deprecated since crm-platform {since} "
            f"and will be removed in {removed_in}; use {instead} instead"
        )
        if inspect.iscoroutinefunction(function):
            # An async wrapper keeps the function a coroutine function for Litestar and pluggy.
            @functools.wraps(function)
            async def warn_then_await(*args: Any, **kwargs: Any) -> Any:
                warnings.warn(message, DeprecationWarning, stacklevel=2)
                return await function(*args, **kwargs)

            wrapper: Callable[..., Any] = warn_then_await
        else:

            @functools.wraps(function)
            def warn_then_call(*args: Any, **kwargs: Any) -> Any:
                warnings.warn(message, DeprecationWarning, stacklevel=2)
                return function(*args, **kwargs)

            wrapper = warn_then_call
        wrapper.__doc__ = f"Deprecated since {since}, removed in {removed_in}: use {instead}.\n\n{function.__doc__ or ''}"
        wrapper.__deprecated__ = message  # type: ignore[attr-defined]  # as PEP 702's decorator does
        return wrapper  # type: ignore[return-value]

    return mark
