"""The event the plugin defines; other plugins may listen to it like to the core's."""

from __future__ import annotations

from dataclasses import dataclass

from crm_hookspecs import Event


@dataclass(frozen=True)
class PetRegistered(Event):
    pet_id: int
    keeper_id: int | None
