"""A conversation's dialogue states, worked out once per prediction instead of once per policy.

Before each prediction, each policy turns the conversation into its dialogue states (what the
user said, the previous action, the slots and the form, at every turn) through
``DialogueStateTracker.past_states``, that is ``Domain.states_for_tracker_history``: Rasa
replays the conversation on a fresh copy of the tracker, event by event, and reads the
state before every action. The rule policy does it once or twice per prediction (from the
message's text, then from its intent), the memoization policy once more with the rule-only
turns left out: three replays of the same tracker, 10 % of the server's time under load.

Here the replay is done once per version of the tracker (its number of events and its
latest event: a tracker changes only by new events), and what it reads at each turn is kept
on the tracker (``Turn``). Each caller's states are then made from those turns by Rasa's
own steps (``states_for_tracker_history``'s loop, with the domain's own helpers), with or
without the rule-only turns, as fresh dictionaries the caller may change (the policies
edit the last state). ``tests/unit/test_dialogue_states.py`` compares them with Rasa's on the
project's stories and rules.

``use_states_once`` makes every tracker of the process work this way; ``speedups.install``
calls it when the Rasa server starts. Training trackers keep
their own cache (Rasa's ``TrackerWithCachedStates``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker

RASA_PAST_STATES = DialogueStateTracker.past_states
"""Rasa's own, kept for the comparison in the tests."""

_CACHE = "_turns_once"
"""Where a tracker keeps its turns, with what they were read for."""


class Turn(NamedTuple):
    """What ``states_for_tracker_history`` reads of the tracker before one action."""

    state: State
    previous_action: dict[str, Any] | None
    followup_action: str | None
    latest_action_name: str | None
    active_loop_name: str | None
    hide_rule_turn: bool


def copy_state(state: State) -> State:
    """A copy a caller may change: a new state of new sub-states (their values are immutable)."""
    return {kind: dict(sub_state) for kind, sub_state in state.items()}


def read_turns(
    tracker: DialogueStateTracker, domain: Domain, omit_unset_slots: bool = False
) -> list[Turn]:
    """Replays the tracker once and reads each turn (Rasa's ``generate_all_prior_trackers``)."""
    return [
        Turn(
            state=domain.get_active_state(prior, omit_unset_slots=omit_unset_slots),
            previous_action=domain._get_prev_action_sub_state(prior),
            followup_action=prior.followup_action,
            latest_action_name=prior.latest_action_name,
            active_loop_name=prior.active_loop_name,
            hide_rule_turn=hide_rule_turn,
        )
        for prior, hide_rule_turn in tracker.generate_all_prior_trackers()
    ]


def states_from_turns(
    turns: list[Turn],
    domain: Domain,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    """The states ``states_for_tracker_history`` makes of these turns, step for step."""
    states: list[State] = []
    last_ml_action_sub_state = None
    turn_was_hidden = False
    for turn in turns:
        if ignore_rule_only_turns:
            # Remember the previous ML action, from the last turn that was not hidden.
            if not turn_was_hidden:
                last_ml_action_sub_state = turn.previous_action
            # A follow-up action or the form's happy path keeps the turn as it was.
            if not turn.followup_action and turn.latest_action_name != turn.active_loop_name:
                turn_was_hidden = turn.hide_rule_turn
            if turn_was_hidden:
                continue
        state = turn.state
        if ignore_rule_only_turns:
            # Rasa's helpers change the state in place; the remembered turn must not change.
            state = copy_state(state)
            domain._remove_rule_only_features(state, rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action_sub_state:
                state[PREVIOUS_ACTION] = last_ml_action_sub_state
        states.append(domain._clean_state(state))
    return [copy_state(state) for state in states]


def _version(tracker: DialogueStateTracker) -> tuple[int, int | None]:
    """Changes whenever an event is added: the count, and the identity of the latest event."""
    events = tracker.events
    return len(events), id(events[-1]) if events else None


def past_states(
    tracker: DialogueStateTracker,
    domain: Domain,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    """``DialogueStateTracker.past_states``, with one replay per version of the tracker."""
    key = (_version(tracker), id(domain), omit_unset_slots)
    cached = tracker.__dict__.get(_CACHE)
    if cached is None or cached[0] != key:
        turns = read_turns(tracker, domain, omit_unset_slots)
        # The domain is kept with the turns, so that its id is not given to another.
        cached = tracker.__dict__[_CACHE] = (key, turns, domain)
    return states_from_turns(cached[1], domain, ignore_rule_only_turns, rule_only_data)


def use_states_once() -> None:
    """Every ``DialogueStateTracker`` of the process replays itself once per version."""
    DialogueStateTracker.past_states = past_states
