"""An event class of the plugin's own, and a listener that keeps what it received."""

from __future__ import annotations

from dataclasses import dataclass

from crm_hookspecs import Event


@dataclass(frozen=True)
class ProbeNoteAdded(Event):
    note_id: int
    contact_id: int


# What ``crm_event`` delivered to this process, oldest first; ``GET /api/v1/probe/events`` shows it.
RECEIVED: list[Event] = []
# For each ProbeNoteAdded: whether the listener could read the note, i.e. it was committed.
NOTE_VISIBLE_TO_LISTENER: dict[int, bool] = {}


def forget() -> None:
    RECEIVED.clear()
    NOTE_VISIBLE_TO_LISTENER.clear()
