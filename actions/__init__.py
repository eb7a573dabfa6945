"""The action server's custom actions: rasa-sdk glue over the rules in ``aftercare/``.

One module per part of the conversation: ``session`` (a new session), ``triage_form`` (what
to ask), ``triage`` (``action_triage``, the decision) and ``callback`` (the callback request
and "delete my data").
"""
