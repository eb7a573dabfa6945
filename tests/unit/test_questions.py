"""Whether a message asks something, and which part asks (aftercare/questions.py)."""

from __future__ import annotations

import pytest

from aftercare.questions import asks_question, names_its_subject, question_part


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A question alone, or no question: nothing more to read apart.
        ("can I drink coffee?", None),
        ("my eye keeps twitching", None),
        ("", None),
        ("???", None),
        # The sentence that asks.
        (
            "slight swelling at the injection points, no pain. can i put makeup over it?",
            "can i put makeup over it?",
        ),
        ("Twitchy left eye. Day 7. Any advice?", "Any advice?"),
        # From the first clause after the first that starts like a question.
        (
            "twitch started on day 3 just like they said, is it ok to keep going to spin class?",
            "is it ok to keep going to spin class?",
        ),
        (
            "eyes feel dry and I keep having to blink, can the clinic give me drops?",
            "can the clinic give me drops?",
        ),
        # A question that starts the sentence keeps all of it.
        ("can I squeeze it shut, or will that spread it?", None),
        # A question mark with no space after it still ends the question.
        ("is it bad to drink?? my eye has been flickering", "is it bad to drink??"),
        # Two sentences that ask are both read.
        (
            "the twitch is still going. what else? how much longer?",
            "what else? how much longer?",
        ),
        # A statement that starts with a question word tells; it does not ask.
        (
            "When I woke up today my lid was a bit droopy. Can I put makeup on?",
            "Can I put makeup on?",
        ),
        ("What I noticed: a bruise by my eye. Can I wear makeup?", "Can I wear makeup?"),
        ("What a week. my eye twitches", None),
        # A question word that asks, without a question mark.
        (
            "bit of bruising, day 2. how soon can i go on a sunbed",
            "how soon can i go on a sunbed",
        ),
        ("How long will it last? my eye twitches", "How long will it last?"),
        # All questions, however spaced: nothing more to read apart.
        ("Is it ok to fly?  Can I drink?", None),
        # Lines are sentences.
        (
            "day 4 after botox\nwill the bruise be gone by friday",
            "will the bruise be gone by friday",
        ),
    ],
)
def test_question_part_is_what_a_longer_message_asks(text: str, expected: str | None) -> None:
    assert question_part(text) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("is it safe?", False),
        ("can i?", False),
        ("is that normal?", False),
        ("Is this OK or should I worry??", False),
        ("Will this wear off?", False),
        ("is it safe lol?", False),
        ("is that ok hun, honestly?", False),
        ("how long will it last?", False),
        ("can i put makeup over it?", True),
        ("is it bad to drink??", True),
        ("can I go on a sunbed this week?", True),
    ],
)
def test_a_question_names_its_subject_or_not(question: str, expected: bool) -> None:
    assert names_its_subject(question) is expected


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("will it settle?", True),
        ("is that normal", True),
        ("Good morning, I would like to know how many days it takes to work", True),
        ("I'd just like to understand why", True),
        ("please tell me when to come back", True),
        # The formal register: a request to be told.
        ("I would be grateful to learn how long the effect lasts", True),
        ("I would appreciate your guidance on the swelling", True),
        ("could you kindly advise whether this is expected", True),
        # A report, or a statement, asks nothing.
        ("my eye has twitched since Monday", False),
        ("I'd like it to stop", False),
        ("Nothing to report. Face still attached.", False),
    ],
)
def test_a_message_asks_a_question_in_its_words_or_its_mark(text: str, asks: bool) -> None:
    assert asks_question(text) is asks
