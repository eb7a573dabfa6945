"""The clinic's rules, in plain Python with no Rasa import.

The triage decision and the questions it needs (``triage``), the one severity ladder
(``severity``), the symptom screen (``symptoms``), how a yes or a no is read (``answers``),
dates (``dates``), the clinic's settings (``clinic``), the slots the rules read and write
(``slots``), the hand-over summary (``summary``), what to say when the action server fails
(``failsafe``) and which stored events a "no" rewrites (``privacy``). ``today`` is always
passed in. The database itself is the ``storage`` package.
"""
