"""Where conversations and referrals are kept: the one database, and what happens when it fails.

Plain SQLAlchemy and the standard library, no Rasa import, and none of the symptom screen:
opening the database loads no lexicon. ``database`` says where the database is, sets SQLite
up, names Rasa's tables and erases or forgets what a patient asked to go (the rules of what
goes are ``aftercare/privacy.py``); ``faults`` names what went wrong with it, watches the
SQLite file under the pool's connections, and keeps each database's health for the log and
the health endpoint. Used by the tracker store (``components/``), the action server
(``actions/``) and the hand-over store and staff view (``handover/``).
"""
