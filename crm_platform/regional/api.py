"""``/api/v1/account/preferences``: the signed-in user's regional preferences, and
``/api/v1/users/{id}/preferences`` for admins. The instance's defaults are core settings
(``/api/v1/settings/core``)."""

from __future__ import annotations

import msgspec
from crm_hookspecs import Principal
from litestar import get, put
from litestar.params import FromPath, JSONBody
from msgspec import UNSET, UnsetType

from crm_platform.errors import Forbidden
from crm_platform.regional import preferences
from crm_platform.users.auth import CurrentPrincipal


class RegionalPreferencesOut(msgspec.Struct):
    """The preferences in force; ``own`` names those the user chose (the others are the
    instance's). An empty ``time_zone``: the browser's."""

    phone_region: str
    currency: str
    time_zone: str
    date_format: str
    number_format: str
    week_start: str
    own: list[str]


class RegionalPreferencesIn(msgspec.Struct, forbid_unknown_fields=True):
    """The preferences to change; ``""`` or ``null`` goes back to the instance's."""

    phone_region: str | None | UnsetType = UNSET
    currency: str | None | UnsetType = UNSET
    time_zone: str | None | UnsetType = UNSET
    date_format: str | None | UnsetType = UNSET
    number_format: str | None | UnsetType = UNSET
    week_start: str | None | UnsetType = UNSET


def _out(regional: preferences.Regional) -> RegionalPreferencesOut:
    return RegionalPreferencesOut(**{key: getattr(regional, key) for key in preferences.KEYS}, own=sorted(regional.own))


def _changes(data: RegionalPreferencesIn) -> dict[str, str | None]:
    return {key: value for key in preferences.KEYS if (value := getattr(data, key)) is not UNSET}


@get("/api/v1/account/preferences", tags=["users"])
async def my_preferences(principal: CurrentPrincipal) -> RegionalPreferencesOut:
    return _out(await preferences.for_user(principal.id))


@put("/api/v1/account/preferences", tags=["users"])
async def change_my_preferences(principal: CurrentPrincipal, data: JSONBody[RegionalPreferencesIn]) -> RegionalPreferencesOut:
    """Change one's own preferences; 422 naming each one that does not fit. Audited."""
    return _out(await preferences.save_for_user(principal, principal.id, _changes(data)))


def _admin(principal: Principal) -> None:
    if principal.role != "admin":
        raise Forbidden("only admins see and change another user's preferences")


@get("/api/v1/users/{user_id:int}/preferences", tags=["users"])
async def user_preferences(principal: CurrentPrincipal, user_id: FromPath[int]) -> RegionalPreferencesOut:
    if user_id != principal.id:
        _admin(principal)
    return _out(await preferences.for_user(user_id))


@put("/api/v1/users/{user_id:int}/preferences", tags=["users"])
async def change_user_preferences(principal: CurrentPrincipal, user_id: FromPath[int],
                                  data: JSONBody[RegionalPreferencesIn]) -> RegionalPreferencesOut:
    return _out(await preferences.save_for_user(principal, user_id, _changes(data)))


HANDLERS = [my_preferences, change_my_preferences, user_preferences, change_user_preferences]
