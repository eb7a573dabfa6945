"""Rasa's rule matching, with the rules sorted by the action they follow.

At every prediction Rasa's ``RulePolicy`` finds the rules that apply to the conversation
with ``_get_possible_keys``: it parses every rule it learned (89 here, from their JSON keys)
and checks each against the latest dialogue state, then checks the rules left against the
state before, and so on for every state of the conversation, even when no rule is that
long. It runs two to four times per prediction (the rules, then the form's unhappy paths;
from the message's text, then from its intent), 10 % of the server's time under load.

``possible_keys`` returns the same set of rules by the same test (Rasa's own
``_does_rule_match_state``), with less work:

* each rule's states are read once, in the order the check walks them;
* a rule whose last state names the action before it (``prev_action``: ``action_listen``,
  ``utter_ask_...``) can only match a conversation whose last action is that one
  (``_does_rule_match_state`` compares the two names), so rules are grouped by that action
  and the conversation's last action picks its group; the rules that name none are checked
  as Rasa checks them;
* the walk back through the conversation stops when every rule left is shorter than the
  states walked (Rasa keeps such a rule whatever the earlier states are).

``use_rule_index`` makes every ``RulePolicy`` of the process match rules this way; the
Rasa server's ``speedups.install`` calls it, so training keeps Rasa's own.
``tests/unit/test_rule_index.py`` compares both on the project's rules.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.core.domain import State
from rasa.shared.nlu.constants import ACTION_NAME

_INDEXES = "_rule_indexes"
"""Where a policy keeps its indexes, one per lookup (its rules, its loops' unhappy paths)."""

RASA_GET_POSSIBLE_KEYS = RulePolicy._get_possible_keys
"""Rasa's own matching, kept for the comparison in the tests."""


def _previous_action(state: State) -> Any:
    """The action a rule's state must follow, if the state names one; None if it does not."""
    name = (state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    return name if name and name != SHOULD_NOT_BE_SET else None


class RuleIndex:
    """One lookup's rules: each with its states from the latest back, grouped by action."""

    def __init__(self, keys: Iterable[str]) -> None:
        """Reads each rule key (a JSON list of states) once."""
        self.keys = frozenset(keys)
        self.by_action: dict[str, list[tuple[str, list[State]]]] = {}
        self.unnamed: list[tuple[str, list[State]]] = []
        for key in self.keys:
            states = list(reversed(RulePolicy._rule_key_to_state(key)))
            action = _previous_action(states[0]) if states else None
            group = self.by_action.setdefault(action, []) if action else self.unnamed
            group.append((key, states))

    def candidates(self, state: State) -> list[tuple[str, list[State]]]:
        """The rules that may match a conversation whose latest state is ``state``."""
        action = (state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        named = self.by_action.get(action, []) if isinstance(action, str) else []
        return named + self.unnamed


def _applies(rule_states: list[State], turn: int, state: State) -> bool:
    """``RulePolicy._is_rule_applicable``, on a rule's states read once."""
    if turn >= len(rule_states):
        return True
    current_previous_action = state.get(PREVIOUS_ACTION)
    rule_previous_action = rule_states[turn].get(PREVIOUS_ACTION)
    if not rule_previous_action and not current_previous_action:
        return True
    if not rule_previous_action or not current_previous_action:
        return False
    return RulePolicy._does_rule_match_state(rule_states[turn], state)


def index_of(policy: RulePolicy, lookup: Collection[str]) -> RuleIndex:
    """The policy's index of ``lookup``, made again whenever the lookup's rules change."""
    indexes: dict[int, RuleIndex] = policy.__dict__.setdefault(_INDEXES, {})
    index = indexes.get(id(lookup))
    if index is None or index.keys != lookup.keys():  # type: ignore[attr-defined]
        index = indexes[id(lookup)] = RuleIndex(lookup)
    return index


def possible_keys(policy: RulePolicy, lookup: dict[str, str], states: list[State]) -> set[str]:
    """The rule keys of ``lookup`` that apply to ``states``: ``_get_possible_keys``'s result."""
    if not states:
        return set(lookup)
    history = list(reversed(states))
    rules = [
        (key, rule_states)
        for key, rule_states in index_of(policy, lookup).candidates(history[0])
        if _applies(rule_states, 0, history[0])
    ]
    for turn, state in enumerate(history[1:], start=1):
        if all(turn >= len(rule_states) for _, rule_states in rules):
            break
        rules = [(key, states_) for key, states_ in rules if _applies(states_, turn, state)]
    return {key for key, _ in rules}


def _get_possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[State]) -> set[str]:
    return possible_keys(self, lookup, states)


def use_rule_index() -> None:
    """Every ``RulePolicy`` of the process matches its rules through the index."""
    RulePolicy._get_possible_keys = _get_possible_keys
