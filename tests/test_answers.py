"""Reading a reply that is neither yes nor no (aftercare/answers.py)."""

from __future__ import annotations

import pytest

from aftercare.answers import (
    Answer,
    Reading,
    answers_to_give,
    asks_question,
    names_its_subject,
    own_story,
    question_part,
    read_unclear,
    yes_no,
)


@pytest.mark.parametrize(
    ("so_far", "safe_value", "expected"),
    [
        (0, True, Reading(None, 1)),  # asked once more
        (0, False, Reading(None, 1)),
        (1, True, Reading(True, 0)),  # the second: the safe reading, the count starts again
        (1, False, Reading(False, 0)),
        (5, True, Reading(True, 0)),
    ],
)
def test_an_unclear_answer_is_asked_again_once_then_read_safely(
    so_far: int, safe_value: bool, expected: Reading
) -> None:
    assert read_unclear(so_far, safe_value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no", Answer.NO),
        ("nope, all fine", Answer.NO),
        ("it's not", Answer.NO),
        ("it's not, thanks", Answer.NO),
        ("its not blurry", Answer.NO),
        ("yes, mostly when I look to the side", Answer.YES),
        ("not sure", Answer.UNSURE),
        ("maybe a little", Answer.UNSURE),
        # A report that starts with "it's not that" answers nothing.
        ("it's not that I can't open my eye, it's just a bit droopy", None),
        ("it's not just the twitch, my brow feels heavy", None),
        ("my eye keeps twitching", None),
        ("", None),
    ],
)
def test_yes_no_reads_the_start_of_a_reply(text: str, expected: Answer | None) -> None:
    assert yes_no(text) == expected


@pytest.mark.parametrize(
    ("ranking", "expected"),
    [
        ([], []),
        ([("drooping", 0.9), ("how_long", 0.05)], ["drooping"]),
        ([("drooping", 0.55), ("how_long", 0.39)], ["drooping", "how_long"]),
        # The runner-up at exactly half the first's confidence is given; just under, not.
        ([("drooping", 0.5), ("how_long", 0.25)], ["drooping", "how_long"]),
        ([("drooping", 0.5), ("how_long", 0.249)], ["drooping"]),
        # Below the least confidence, neither is given, however close they are.
        ([("drooping", 0.19), ("how_long", 0.18)], []),
        ([("drooping", 0.3), ("how_long", 0.19)], ["drooping"]),
        # Only the two best are ever given.
        ([("drooping", 0.34), ("how_long", 0.33), ("caffeine", 0.33)], ["drooping", "how_long"]),
        ([("drooping", 1.0)], ["drooping"]),
    ],
)
def test_a_torn_selector_gives_its_two_best_answers(
    ranking: list[tuple[str, float]], expected: list[str]
) -> None:
    assert answers_to_give(ranking) == expected


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
        # A report, or a statement, asks nothing.
        ("my eye has twitched since Monday", False),
        ("I'd like it to stop", False),
        ("Nothing to report. Face still attached.", False),
    ],
)
def test_a_message_asks_a_question_in_its_words_or_its_mark(text: str, asks: bool) -> None:
    assert asks_question(text) is asks


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("my smile looks different on one side since I had my crow's feet done", True),
        ("can botox affect my cheek? I had it 5 weeks ago and my cheek won't lift", True),
        ("does botox make your face feel heavy?", False),  # a general question
        ("my forehead feels heavy, is that normal?", False),  # asked, with no time of its own
        ("my friend says her face felt numb for weeks, will mine?", False),  # someone else's
    ],
)
def test_own_story_is_the_patients_own_change_told(text: str, own: bool) -> None:
    assert own_story(text) is own
