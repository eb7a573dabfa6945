"""Dialogue states read from one replay per tracker version are the states Rasa computes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from speedups import dialogue_states
from speedups.dialogue_states import RASA_PAST_STATES, past_states
from tests.support.trackers import CoreTraining


def with_hidden_turns(tracker: DialogueStateTracker, every: int) -> DialogueStateTracker:
    """The conversation with every ``every``-th action marked as a rule-only turn.

    The rule policy marks the actions it predicts from rules that no story has
    (``hide_rule_turn``); the memoization policy's states leave those turns out.
    """
    events = []
    actions = 0
    for event in tracker.events:
        if isinstance(event, ActionExecuted):
            actions += 1
            if actions % every == 0:
                event = ActionExecuted(
                    event.action_name,
                    event.policy,
                    event.confidence,
                    event.timestamp,
                    event.metadata,
                    event.action_text,
                    hide_rule_turn=True,
                )
        events.append(event)
    return DialogueStateTracker.from_events(tracker.sender_id, events, tracker.slots.values())


def conversations(training: CoreTraining) -> Iterator[DialogueStateTracker]:
    """The training conversations, as they are and with some of their turns rule-only."""
    for tracker in training.conversations():
        yield tracker
        yield with_hidden_turns(tracker, every=1)
        yield with_hidden_turns(tracker, every=2)


@pytest.mark.parametrize("omit_unset_slots", [False, True])
@pytest.mark.parametrize("ignore_rule_only_turns", [False, True])
def test_the_states_are_rasas(
    core_training: CoreTraining, omit_unset_slots: bool, ignore_rule_only_turns: bool
) -> None:
    rule_only_data = core_training.rule_policy._get_rule_only_data()
    assert any(rule_only_data.values()), "the comparison needs rule-only slots or loops"
    arguments = (core_training.domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    compared = 0
    for tracker in conversations(core_training):
        assert past_states(tracker, *arguments) == RASA_PAST_STATES(tracker, *arguments)
        compared += 1
    assert compared > 450


def conversation(domain: Domain) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        "patient",
        [
            ActionExecuted("action_listen"),
            UserUttered("my eye twitches", {"name": "report_symptom", "confidence": 1.0}),
            ActionExecuted("triage_form"),
            SlotSet("symptoms", ["twitching"]),
            ActionExecuted("action_listen"),
            UserUttered("5 days ago", {"name": "inform", "confidence": 1.0}),
        ],
        domain.slots,
    )


def test_the_tracker_is_replayed_once_per_version(
    core_training: CoreTraining, monkeypatch: pytest.MonkeyPatch
) -> None:
    replays: list[int] = []
    read_turns = dialogue_states.read_turns

    def counted(*args: object, **kwargs: object) -> list[dialogue_states.Turn]:
        replays.append(1)
        return read_turns(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dialogue_states, "read_turns", counted)
    domain = core_training.domain
    tracker = conversation(domain)
    rule_only = core_training.rule_policy._get_rule_only_data()
    first = past_states(tracker, domain)
    assert past_states(tracker, domain, ignore_rule_only_turns=True, rule_only_data=rule_only)
    assert past_states(tracker, domain) == first
    assert len(replays) == 1
    tracker.update(ActionExecuted("triage_form"))
    assert past_states(tracker, domain) == RASA_PAST_STATES(tracker, domain)
    assert len(replays) == 2
    # Other arguments that change what the replay reads replay it again.
    past_states(tracker, domain, omit_unset_slots=True)
    assert len(replays) == 3


@pytest.mark.parametrize("ignore_rule_only_turns", [False, True])
def test_each_caller_gets_states_of_its_own(
    core_training: CoreTraining, ignore_rule_only_turns: bool
) -> None:
    domain = core_training.domain
    arguments = (ignore_rule_only_turns, core_training.rule_policy._get_rule_only_data())
    tracker = with_hidden_turns(conversation(domain), every=2)
    tracker.update(ActionExecuted("utter_ask_improving"))
    expected = RASA_PAST_STATES(tracker, domain, False, *arguments)
    first = past_states(tracker, domain, False, *arguments)
    # A caller that changes its states, every part of them, changes nothing for the next.
    for state in first:
        for sub_state in state.values():
            sub_state.clear()
    first.pop(0)
    assert past_states(tracker, domain, False, *arguments) == expected


def test_use_states_once_replaces_rasas_past_states(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DialogueStateTracker, "past_states", RASA_PAST_STATES)
    dialogue_states.use_states_once()
    assert DialogueStateTracker.past_states is past_states
