"""The action server's custom actions: rasa-sdk glue over the rules in ``aftercare/``.

One module per part of the conversation: ``session`` (a new session), ``triage_form`` (what
to ask), ``triage`` (``action_triage``, the decision), ``article`` (the article's answers and
the safety net), ``concern`` (a crisis told to the clinic) and ``callback`` (the callback
request and "delete my data").
"""

from actions.errors import use_for_action_server

# When the action server loads this package, an action that raises is logged and answered
# without the conversation (actions/errors.py).
use_for_action_server()
