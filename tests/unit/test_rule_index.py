"""Rule matching through the index finds exactly the rules Rasa's own matching finds."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.constants import (
    ACTIVE_LOOP,
    LOOP_NAME,
    PREVIOUS_ACTION,
    SHOULD_NOT_BE_SET,
    SLOTS,
    USER,
)
from rasa.shared.core.domain import State
from rasa.shared.nlu.constants import ACTION_NAME, ACTION_TEXT, INTENT

from speedups import rule_index
from speedups.rule_index import RASA_GET_POSSIBLE_KEYS, RuleIndex, possible_keys
from tests.support.trackers import CoreTraining


def prediction_states(training: CoreTraining) -> Iterator[list[State]]:
    """The rule policy's states before each action of every training conversation.

    From the message's text and from its intent, and with the latest message read as each
    intent of the domain (what a misread message would give).
    """
    policy = training.rule_policy
    rule_only_data = policy._get_rule_only_data()
    for tracker in training.conversations():
        for use_text in (True, False):
            states = policy._prediction_states(
                tracker, training.domain, use_text, rule_only_data=rule_only_data
            )
            yield states
            if states and INTENT in states[-1].get(USER, {}):
                for intent in training.domain.intents:
                    misread = [dict(state) for state in states]
                    misread[-1] = {**states[-1], USER: {**states[-1][USER], INTENT: intent}}
                    yield misread


@pytest.mark.parametrize("lookup", [RULES, RULES_FOR_LOOP_UNHAPPY_PATH])
def test_the_index_finds_the_rules_rasa_finds(core_training: CoreTraining, lookup: str) -> None:
    policy = core_training.rule_policy
    rules = policy.lookup[lookup]
    assert rules, f"the trained policy has no {lookup}"
    compared = found = 0
    for states in prediction_states(core_training):
        expected = RASA_GET_POSSIBLE_KEYS(policy, rules, states)
        assert possible_keys(policy, rules, states) == expected, states
        compared += 1
        found += bool(expected)
    # The comparison covers many states, and many of them match some rule.
    assert compared > 1000 and found > 50


# Made-up rules and conversations, from a few names each: long rules, conversation starts
# (no previous action), "should not be set" values, actions given by text.
ACTIONS = st.sampled_from(["action_listen", "utter_a", "form_x", SHOULD_NOT_BE_SET, ""])
PREVIOUS = st.one_of(
    st.fixed_dictionaries({ACTION_NAME: ACTIONS}),
    st.fixed_dictionaries({ACTION_TEXT: st.sampled_from(["hello", "bye"])}),
)
STATES = st.fixed_dictionaries(
    {},
    optional={
        PREVIOUS_ACTION: PREVIOUS,
        USER: st.fixed_dictionaries({INTENT: st.sampled_from(["greet", "deny", "inform"])}),
        SLOTS: st.dictionaries(
            st.sampled_from(["date", "level"]),
            st.sampled_from([(1.0,), (0.0,), SHOULD_NOT_BE_SET]),
            max_size=2,
        ),
        ACTIVE_LOOP: st.fixed_dictionaries(
            {LOOP_NAME: st.sampled_from(["form_x", SHOULD_NOT_BE_SET])}
        ),
    },
)
RULES_OF_STATES = st.lists(st.lists(STATES, min_size=1, max_size=6), min_size=1, max_size=25)


@settings(max_examples=400, deadline=None)
@given(rules=RULES_OF_STATES, conversation=st.lists(STATES, max_size=8))
def test_the_index_finds_the_rules_rasa_finds_in_made_up_rules(
    rules: list[list[State]], conversation: list[State]
) -> None:
    policy = RulePolicy.__new__(RulePolicy)
    lookup = {json.dumps(states): "utter_a" for states in rules}
    expected = RASA_GET_POSSIBLE_KEYS(policy, lookup, conversation)
    assert possible_keys(policy, lookup, conversation) == expected


def test_no_states_match_every_rule(core_training: CoreTraining) -> None:
    rules = core_training.rule_policy.lookup[RULES]
    assert possible_keys(core_training.rule_policy, rules, []) == set(rules)


def test_rules_are_grouped_by_the_action_they_follow(core_training: CoreTraining) -> None:
    index = RuleIndex(core_training.rule_policy.lookup[RULES])
    after_listen = index.candidates({PREVIOUS_ACTION: {"action_name": "action_listen"}})
    assert 0 < len(after_listen) < len(index.keys)
    for _, states in index.by_action["action_listen"]:
        assert states[0][PREVIOUS_ACTION]["action_name"] == "action_listen"
    # A conversation's first state follows no action: only rules that name none may match.
    assert index.candidates({}) == index.unnamed


def test_the_index_is_made_again_when_the_rules_change(core_training: CoreTraining) -> None:
    policy = RulePolicy.__new__(RulePolicy)
    rules = dict(core_training.rule_policy.lookup[RULES])
    first = rule_index.index_of(policy, rules)
    assert rule_index.index_of(policy, rules) is first
    rules.pop(next(iter(rules)))
    assert rule_index.index_of(policy, rules).keys == set(rules)


def test_use_rule_index_replaces_rasas_matching(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", RASA_GET_POSSIBLE_KEYS)
    rule_index.use_rule_index()
    assert RulePolicy._get_possible_keys is rule_index._get_possible_keys
