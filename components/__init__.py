"""Rasa plug-ins: NLU components, the fail-safe policy, channels, stores and the NLG."""
