"""What the enabled plugins offer one another: record kinds, event classes, workflow actions."""

from __future__ import annotations

import pytest
from crm_hookspecs import WorkflowAction
from crm_hookspecs.events import RecordCreated

from crm_platform import toolkit


@pytest.fixture
def crm_plugins():
    return ["probe"]


@pytest.mark.exercises("crm_workflow_actions")
async def test_the_catalogue_lists_the_enabled_plugins_kinds_events_and_actions(crm_client, crm_disable_plugin):
    assert "contact" in [kind.key for kind in toolkit.record_kinds()]
    names = [cls.__name__ for cls in toolkit.event_classes()]
    assert RecordCreated in toolkit.event_classes() and "ProbeNoteAdded" in names
    [action] = toolkit.workflow_actions()
    assert action.key == "probe.pause" and action.params == ("note",)

    await crm_disable_plugin("probe")
    assert "ProbeNoteAdded" not in [cls.__name__ for cls in toolkit.event_classes()]
    assert toolkit.workflow_actions() == []


def test_a_workflow_action_key_is_named_after_a_slug():
    with pytest.raises(ValueError, match="'pause'"):
        WorkflowAction("pause", "Pause", run=lambda call: {})
