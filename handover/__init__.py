"""The hand-over to the clinic: referral records, callback requests, the staff view and CLI.

Plain Python and SQLAlchemy, no Rasa import: the action server writes through
:mod:`handover.store`, clinic staff read through :mod:`handover.staff` (web) and
``python -m handover`` (command line).
"""
