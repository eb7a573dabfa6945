"""The NLU message screener (components/message_screener.py), on Rasa messages."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from aftercare.limits import CLASSIFIED_HEAD as HEAD
from aftercare.limits import CLASSIFIED_TAIL as TAIL
from aftercare.symptoms import Symptom
from components import message_screener
from components.message_screener import MessageScreener, mostly_non_latin


def screened(text: str, intent: str = "faq", confidence: float = 0.9) -> Message:
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": confidence}})
    MessageScreener(MessageScreener.get_default_config()).process([message])
    return message


def entities(message: Message) -> set[tuple[str, str]]:
    return {(e["entity"], e["value"]) for e in message.get("entities", [])}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("is blurry vision normal after botox?", "faq"),
        ("my lid covers my eye", "greet"),
        ("I can't breathe", "nlu_fallback"),
    ],
)
def test_a_red_flag_becomes_a_report_whatever_the_classifier_said(text: str, intent: str) -> None:
    assert screened(text, intent).get("intent")["name"] == "report_symptom"


def test_a_denied_red_flag_keeps_the_classifiers_intent() -> None:
    message = screened("no blurred vision, just a twitch", "report_symptom", 0.8)
    assert message.get("intent") == {"name": "report_symptom", "confidence": 0.8}
    assert entities(message) == {
        ("symptom", "twitching"),
        ("denied_symptom", "blurred_vision"),
        ("body_change", "about_the_body"),
    }


def test_a_plain_question_is_left_alone() -> None:
    message = screened("can I drink coffee?")
    assert message.get("intent")["name"] == "faq"
    assert entities(message) == set()


def test_the_trend_is_an_entity() -> None:
    assert ("trend", "not_improving") in entities(
        screened("the twitch is not getting better", "report_symptom")
    )


@pytest.mark.parametrize(
    "text", ["我的眼睛在跳", "у меня дергается глаз", "عيني ترمش", "目がピクピクします"]
)
def test_another_script_is_not_english(text: str) -> None:
    assert screened(text, "report_symptom").get("intent")["name"] == "non_english"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon œil tremble", False),
        ("café", False),
        ("🙂🙂", False),
        ("", False),
        ("我的眼睛 eye", True),
    ],
)
def test_mostly_non_latin(text: str, expected: bool) -> None:
    assert mostly_non_latin(text) is expected


def test_a_very_long_message_without_a_symptom_is_not_classified() -> None:
    message = screened("x" * 2000 + " what a lovely clinic", "faq")
    assert message.get("intent")["name"] == "nlu_fallback"


def test_a_very_long_story_with_a_symptom_is_a_report() -> None:
    message = screened("x" * 2000 + " my eye twitches, will it stop?", "faq")
    assert message.get("intent")["name"] == "report_symptom"
    assert ("symptom", "twitching") in entities(message)


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("my lid looks droopy since friday, will it settle?", "faq", "report_symptom"),
        ("my eye keeps twitching", "inform", "report_symptom"),
        ("no, just a twitch", "deny", "deny"),
        ("eyes feel dry all the time, not sure it's getting better", "dont_know", "report_symptom"),
        ("yes it's swollen", "affirm", "affirm"),
        ("stop, my eye is twitching anyway", "stop", "stop"),
        ("can I drink coffee?", "faq", "faq"),
    ],
)
def test_a_symptom_of_the_patients_own_starts_the_check_unless_it_answers(
    text: str, intent: str, expected: str
) -> None:
    assert screened(text, intent).get("intent")["name"] == expected


def test_a_very_long_message_with_a_red_flag_is_still_a_report() -> None:
    assert screened("x" * 2000 + " and I'm seeing double").get("intent")["name"] == "report_symptom"


def classified(text: str, ranking: list[tuple[str, float]]) -> Message:
    top, confidence = ranking[0]
    message = Message(
        data={
            "text": text,
            "intent": {"name": top, "confidence": confidence},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        }
    )
    MessageScreener(MessageScreener.get_default_config()).process([message])
    return message


@pytest.mark.parametrize(
    ("text", "intent", "symptom"),
    [
        ("my lid sits right over the pupil now", "report_eyelid", "eyelid_cannot_open"),
        ("the tv splits into two when i look at it", "report_vision", "vision_problem"),
        (
            "one injection point is hot and angry",
            "report_injection_site",
            "persistent_pain_or_redness",
        ),
        (
            "meals take me ages now, the food just sits there",
            "report_emergency",
            "breathing_swallowing_or_speaking",
        ),
    ],
)
def test_a_sign_the_classifier_is_sure_of_is_added_to_the_screen(
    text: str, intent: str, symptom: str
) -> None:
    message = classified(text, [(intent, 0.8), ("faq", 0.1)])
    assert message.get("intent")["name"] == "report_symptom"
    assert ("symptom", symptom) in entities(message)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("no, my lips and tongue are fine", "report_emergency"),
        ("nope, nothing like that", "report_emergency"),
        ("just checking in, everything seems fine", "report_vision"),
        ("something the patterns do not know", "report_emergency"),
    ],
)
def test_a_denial_or_a_message_without_the_groups_words_adds_no_sign(
    text: str, intent: str
) -> None:
    message = classified(text, [(intent, 0.8), ("deny", 0.1)])
    assert not any(kind == "symptom" for kind, _ in entities(message))


def test_a_sign_the_classifier_is_unsure_of_is_a_report_without_the_sign() -> None:
    message = classified("something vague", [("report_vision", 0.4), ("faq", 0.35)])
    assert message.get("intent")["name"] == "report_symptom"
    assert ("symptom", "vision_problem") not in entities(message)


def test_a_sign_the_screen_read_as_denied_is_not_added_back() -> None:
    message = classified("no blurred vision at all", [("report_vision", 0.9)])
    assert ("symptom", "vision_problem") not in entities(message)
    assert ("denied_symptom", "blurred_vision") in entities(message)


def test_a_sign_lower_in_the_ranking_counts_when_sure_enough() -> None:
    message = classified("my arms feel funny", [("faq", 0.3), ("report_emergency", 0.55)])
    assert ("symptom", "breathing_swallowing_or_speaking") in entities(message)


def test_the_script_of_a_very_long_message_is_judged_by_its_head_and_tail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judged: list[int] = []

    def spy(text: str) -> bool:
        judged.append(len(text))
        return mostly_non_latin(text)

    monkeypatch.setattr(message_screener, "mostly_non_latin", spy)
    message = screened("我的眼睛在跳" * 2000 + " hello" * 500, "greet")
    assert len(judged) == 1 and HEAD + TAIL - 10 < judged[0] <= HEAD + 1 + TAIL
    assert message.get("intent")["name"] == "non_english"


def test_a_long_message_keeps_the_screening_its_channel_read_in_pieces() -> None:
    text = "x " * 1_500
    found = [{"entity": "symptom", "value": "double_vision", "start": 0, "end": len(text)}]
    message = Message(
        data={
            "text": text,
            "intent": {"name": "faq", "confidence": 0.9},
            "metadata": {"aftercare_screening": found},
        }
    )
    MessageScreener(MessageScreener.get_default_config()).process([message])
    assert message.get("intent")["name"] == "report_symptom"
    assert ("symptom", "double_vision") in entities(message)


def test_a_short_message_is_screened_whatever_its_metadata_says() -> None:
    denied = [{"entity": "denied_symptom", "value": "breathing_difficulty", "start": 0, "end": 9}]
    message = Message(
        data={
            "text": "I can't breathe",
            "intent": {"name": "faq", "confidence": 0.9},
            "metadata": {"aftercare_screening": denied},
        }
    )
    MessageScreener(MessageScreener.get_default_config()).process([message])
    assert ("symptom", "breathing_difficulty") in entities(message)


@pytest.mark.parametrize(
    "text",
    [
        "if my eyelid ever dropped so much I couldn't open my eye, what would I do?",
        "my friend couldn't breathe properly after hers, is that common?",
    ],
)
def test_the_classifier_is_not_believed_on_a_supposition_or_someone_elses_sign(text: str) -> None:
    message = classified(text, [("report_eyelid", 0.6), ("report_emergency", 0.6)])
    assert not {e for e in entities(message) if e[0] == "symptom"}


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # A "no" to the group's question in words the screen has no pattern for.
        (
            "my lid is a bit droopy since the botox, I can open it properly, it just sits lower",
            "report_eyelid",
        ),
        # A cheek that will not lift is no weakness of the body.
        ("my right cheek won't lift when I smile since the botox", "report_emergency"),
        # A general question by someone who says they are fine.
        (
            "can botox cause double vision? not that I have it, just reading horror stories",
            "report_vision",
        ),
    ],
)
def test_the_classifier_is_not_believed_where_the_words_say_no(text: str, concept: str) -> None:
    message = classified(text, [(concept, 0.9)])
    signs = {Symptom(value) for kind, value in entities(message) if kind == "symptom"}
    assert not any(sign.severity.decides for sign in signs)


@pytest.mark.parametrize(
    "text",
    [
        "my words sound odd, my husband keeps asking if I've been drinking",
        "what if it's an allergy? my lips feel weird",
    ],
)
def test_the_classifier_is_believed_where_the_patient_speaks_of_themself(text: str) -> None:
    message = classified(text, [("report_emergency", 0.6)])
    assert ("symptom", "breathing_swallowing_or_speaking") in entities(message)


@pytest.mark.parametrize(
    "text",
    ["slight redness at one of the spots this morning", "small swollen bump where she injected"],
)
def test_the_screen_judges_whether_a_sites_redness_or_swelling_persists(text: str) -> None:
    message = classified(text, [("report_injection_site", 0.9)])
    assert ("symptom", "persistent_pain_or_redness") not in entities(message)


def test_the_classifier_still_adds_a_site_sign_the_screen_did_not_read() -> None:
    message = classified("the injection spot looks angry", [("report_injection_site", 0.9)])
    assert ("symptom", "persistent_pain_or_redness") in entities(message)


# --- A patient's safety first (aftercare/concern.py) ---------------------------------------


def ranked(text: str, *ranking: tuple[str, float]) -> Message:
    message = Message(
        data={
            "text": text,
            "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        }
    )
    MessageScreener(MessageScreener.get_default_config()).process([message])
    return message


@pytest.mark.parametrize(
    ("text", "classified", "expected"),
    [
        # The words decide, whatever the classifier said, and before a red flag.
        ("I want to end it all", "goodbye", "crisis"),
        ("my vision is blurry and honestly I want to kill myself", "report_symptom", "crisis"),
        ("I can't breathe and I want to die", "report_symptom", "crisis"),
        ("I just want to disappear", "faq", "crisis_check"),
        ("I feel so hopeless since the botox", "faq", "distress"),
        # Distress with a red flag: acknowledged with the help line, and the check next.
        ("I feel so hopeless, my vision is blurry", "faq", "distress_with_sign"),
        ("been in tears all week, my eyelid won't open properly", "faq", "distress_with_sign"),
        # With an emergency sign, the sign's advice first.
        ("I feel so hopeless and I can't breathe properly", "faq", "report_symptom"),
        # A figure of speech is no concern.
        ("this twitch is killing me, how long will it last?", "faq", "report_symptom"),
        ("I could die of embarrassment, can I drink coffee?", "faq", "faq"),
    ],
)
def test_a_concern_for_the_patients_safety_comes_first(
    text: str, classified: str, expected: str
) -> None:
    assert screened(text, classified).get("intent")["name"] == expected


@pytest.mark.parametrize(
    ("text", "ranking", "expected"),
    [
        # A concern the classifier reads where the words do not tell it: met as distress
        # (help offered, the help line, a gentle question).
        (
            "everything feels like it's closing in on me",
            [("concern", 0.4), ("faq", 0.3)],
            "distress",
        ),
        ("I'm not myself lately", [("concern", 0.7), ("faq", 0.2)], "distress"),
        # With a red flag, the classifier's hint alone does not hold the check back.
        ("I'm not myself, my vision is blurry", [("concern", 0.7), ("faq", 0.2)], "report_symptom"),
        # ... unless it is a figure of speech: then its next intent.
        ("dying to know when it settles", [("concern", 0.6), ("faq", 0.3)], "faq"),
        ("the suspense is killing me lol", [("concern", 0.6), ("thank", 0.3)], "thank"),
        # A figure of speech beside other words of death is no figure of speech alone.
        ("i wanna die. this twitch is killing me", [("concern", 0.6), ("faq", 0.3)], "crisis"),
        # ... or words that say all is well.
        (
            "just checking in, had my botox last week and everything seems fine",
            [("concern", 0.8), ("inform", 0.1)],
            "inform",
        ),
        (
            "Nothing to report. Face still attached. Ha.",
            [("concern", 0.5), ("thank", 0.3)],
            "thank",
        ),
        # ... or a reply that starts with a plain yes or no: an answer to the check's question.
        ("it's clear, they just feel horrible", [("concern", 0.7), ("deny", 0.2)], "deny"),
        ("no, I just feel so low", [("concern", 0.7), ("deny", 0.2)], "distress"),
        # ... or a short reply that tells the trend, to "is it getting better?".
        ("meh. same", [("concern", 0.9), ("deny", 0.05)], "deny"),
        ("ugh, no better, if anything worse", [("concern", 0.8), ("deny", 0.1)], "deny"),
        # ... or a general question by someone who has nothing.
        (
            "is possible the botox go in all the body and make weak? I have nothing, I only "
            "want to know",
            [("concern", 0.9), ("faq", 0.05)],
            "ask_warning_signs",
        ),
        # ... or a carer's report of the treated person's body: its check comes first.
        (
            "my son (19) had his frown lines done 3 weeks ago and his cheek has been numb "
            "since. he's too shy to write himself",
            [("concern", 0.8), ("faq", 0.1)],
            "report_symptom",
        ),
        # ... or a worry about the treatment's result: a question about the treatment.
        (
            "Slept on my face last night by accident, have I ruined it?",
            [("concern", 0.9), ("faq", 0.05)],
            "faq",
        ),
        (
            "my face is ruined and I can't stop crying",
            [("concern", 0.9), ("faq", 0.05)],
            "distress",
        ),
        # The writer's own distress in words is still distress, carer or not.
        (
            "my son had his botox 3 weeks ago and his cheek is numb. I feel so hopeless",
            [("concern", 0.8), ("faq", 0.1)],
            "distress",
        ),
        # A question the classifier alone reads as distress is answered and met as distress:
        # answering it alone lost crises on a fresh set ("is there a number I can ring at
        # night?..."); meeting it as distress alone left plain questions unanswered.
        (
            "is there a number I can ring at night? nothing feels worth it lately",
            [("concern", 0.9), ("faq", 0.05)],
            "distress_with_question",
        ),
        (
            "Good morning, I would be grateful to learn how many days the product needs to settle",
            [("concern", 0.6), ("faq", 0.3)],
            "distress_with_question",
        ),
        # Distress in words beside a question about the article: both met.
        (
            "I had an actual panic attack over this twitch. Can botox really cause it?",
            [("concern", 0.7), ("faq", 0.25)],
            "distress_with_question",
        ),
        # ... but a crisis gets the help lines alone.
        (
            "I want to end it all. can botox really cause twitching?",
            [("concern", 0.7), ("faq", 0.25)],
            "crisis",
        ),
        # ... but not when the runner-up is no question about the article.
        ("is anyone even there? I can't cope", [("concern", 0.6), ("ask_human", 0.3)], "distress"),
        # Only the classifier's hint, on the patient's own symptom: told, help offered and
        # the check next; asked about, the answer and the check. The symptom is never left.
        (
            "I had botox a week ago and I've had a horrible headache ever since.",
            [("concern", 0.5), ("report_symptom", 0.3)],
            "distress_with_sign",
        ),
        (
            "Had it 11 days ago. Since yesterday my forehead's felt tight with a dull headache."
            " Could sleeping face down have caused it?",
            [("concern", 0.5), ("faq", 0.4)],
            "report_symptom",
        ),
        # ... but distress in words stays distress beside a common effect.
        (
            "I can't stop crying, my eyelid is a bit droopy",
            [("concern", 0.5), ("report_symptom", 0.4)],
            "distress",
        ),
    ],
)
def test_the_classifiers_concern_is_asked_about_or_gives_way(
    text: str, ranking: list[tuple[str, float]], expected: str
) -> None:
    assert ranked(text, *ranking).get("intent")["name"] == expected


@pytest.mark.parametrize(
    ("text", "classified", "expected"),
    [
        # A general question about a red flag or an emergency sign: the warning signs.
        ("can botox make you slur your words?", "faq", "ask_warning_signs"),
        (
            "my mum says botox can make your throat close up, is that true?",
            "faq",
            "ask_warning_signs",
        ),
        # ... with a symptom of the patient's own, the check; about a common effect, the answer.
        ("can botox make you slur? my eye twitches since monday", "faq", "report_symptom"),
        ("can botox cause drooping?", "faq", "faq"),
        ("what if my lid ever drooped so much I couldn't open it?", "faq", "ask_warning_signs"),
        (
            "is it possible to get double vision from botox? not that I have it",
            "faq",
            "ask_warning_signs",
        ),
        ("is it possible to get double vision? I've had it since monday", "faq", "report_symptom"),
        # Told outside the question only: no sign (the warning signs), or a common effect
        # (the check, which gives the warning signs first).
        (
            "what would an allergic reaction to botox look like? I haven't had any reaction",
            "faq",
            "ask_warning_signs",
        ),
        (
            "is it possible to go blind from botox? my eyes are a bit dry but I can see fine",
            "faq",
            "report_symptom",
        ),
        # ... and one whose sign the screen has no name for, asked by someone without it.
        (
            "could botox ever affect your swallowing? I feel completely normal",
            "faq",
            "ask_warning_signs",
        ),
        # A request stays a request.
        ("can botox make you slur? can I talk to a nurse", "ask_human", "ask_human"),
    ],
)
def test_a_general_question_about_a_sign_gets_the_warning_signs(
    text: str, classified: str, expected: str
) -> None:
    assert screened(text, classified).get("intent")["name"] == expected


def test_a_crisis_in_the_middle_of_a_long_letter_is_read() -> None:
    letter = "My eye has twitched a bit since Monday. " * 250
    letter = letter[:10_000] + " I don't want to be here any more. " + letter[10_000:]
    assert screened(letter, "faq").get("intent")["name"] == "crisis"


@pytest.mark.parametrize(
    ("text", "whose"),
    [
        ("My daughter says she wants to hurt herself because of her face", "someone_else"),
        ("my husband keeps saying he wants to die since the botox", "someone_else"),
        ("I want to end it all", "writer"),
        ("my mum says she wants to die and honestly so do I, I want to kill myself", "writer"),
    ],
)
def test_every_crisis_says_whose_it_is(text: str, whose: str) -> None:
    message = screened(text, "concern")
    assert message.get("intent")["name"] == "crisis"
    assert ("crisis_of", whose) in entities(message)


@pytest.mark.parametrize(
    ("text", "carer"),
    [
        ("my wife had botox on Monday and her eyelid is so low she can't see", True),
        ("my son had his frown lines done and his cheek has been numb since", True),
        ("my eyelid is so low I can't see", False),
        ("my sister can't keep her eyelid up", False),  # who had it is asked first
    ],
)
def test_a_report_written_for_someone_treated_is_marked(text: str, carer: bool) -> None:
    assert (("for_someone_treated", True) in entities(screened(text))) is carer


def test_no_other_message_says_whose_crisis_it_is() -> None:
    assert not any(e == "crisis_of" for e, _ in entities(screened("my sister's eye twitches")))


def test_a_signs_confidence_is_read_apart_from_the_concern_intents() -> None:
    text = "My vision was a bit strange last night, my friend said I should tell you"
    message = ranked(text, ("report_vision", 0.41), ("concern", 0.32), ("faq", 0.12))
    assert message.get("intent")["name"] == "report_symptom"
    assert ("symptom", "vision_problem") in entities(message)


def test_words_that_may_mean_a_crisis_beside_a_sign_get_the_help_lines_without_a_question() -> None:
    text = "I can't take it anymore, my eyelid has dropped so much I can't open my eye"
    assert screened(text, "report_symptom").get("intent")["name"] == "crisis"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("feeling a bit sick since this morning", {"about_the_body", "beyond_the_article"}),
        ("my eyelid droops a little", {"about_the_body"}),
        ("can I fly next week?", set()),
    ],
)
def test_a_change_in_the_body_is_an_entity_for_the_safety_net(
    text: str, expected: set[str]
) -> None:
    found = {value for kind, value in entities(screened(text, "faq")) if kind == "body_change"}
    assert found == expected


def test_a_change_the_article_does_not_name_starts_the_check_unless_asked() -> None:
    assert screened("feeling a bit sick since this morning", "inform").get("intent")["name"] == (
        "report_symptom"
    )
    assert screened("can botox make you feel sick?", "faq").get("intent")["name"] == "faq"


@pytest.mark.parametrize(
    ("text", "classified", "expected"),
    [
        # A change the classifier took for a question, told as the patient's own: the check.
        (
            "my smile looks different on one side since I had my crow's feet done",
            "faq",
            "report_symptom",
        ),
        (
            "can botox affect my cheek? I had it 5 weeks ago and since day 10 my cheek won't lift",
            "faq",
            "report_symptom",
        ),
        # A general question, a supposition or someone else's story: the answer alone.
        ("does botox make your face feel heavy?", "faq", "faq"),
        ("my friend says her face felt numb for weeks, will mine?", "faq", "faq"),
    ],
)
def test_the_patients_own_change_is_checked_though_classified_a_question(
    text: str, classified: str, expected: str
) -> None:
    assert screened(text, classified).get("intent")["name"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A statement about the body the classifier could not place: the check asks.
        ("left brow dropped and doesn't move", "report_symptom"),
        ("only one side of his smile goes up", "report_symptom"),
        # Not a question, a supposition or someone else's story, and nothing about the body.
        ("can my face go like that from botox?", "nlu_fallback"),
        ("my friend's face was never the same", "nlu_fallback"),
        ("monkey dishwasher", "nlu_fallback"),
    ],
)
def test_a_statement_about_the_body_the_fallback_caught_starts_the_check(
    text: str, expected: str
) -> None:
    assert screened(text, "nlu_fallback", 0.3).get("intent")["name"] == expected


def test_a_sign_the_classifier_barely_reads_beside_distress_is_no_sign() -> None:
    # Read among the intents other than the concern, 0.03 beside 0.96 would be 0.75: "call
    # 999" for a patient who cries every morning. A sign needs a tenth of the whole at least.
    text = "every morning I wake up, check my tongue and cry"
    barely = classified(text, [("concern", 0.96), ("report_emergency", 0.03)])
    worried = classified(text, [("concern", 0.5), ("report_emergency", 0.4)])
    assert not {e for e in entities(barely) if e[0] == "symptom"}
    assert ("symptom", "breathing_swallowing_or_speaking") in entities(worried)


@pytest.mark.parametrize(
    ("text", "ranking", "expected"),
    [
        # Caught between the article and a concern: the answer, and help offered.
        (
            "just learnt I'm expecting and had botox a month ago, will the baby be ok?",
            [("nlu_fallback", 0.3), ("concern", 0.49), ("faq", 0.45)],
            "distress_with_question",
        ),
        # Between the article and a sign the classifier is unsure of: the answer.
        (
            "I squint at a screen all day, had it done on Monday, will that spoil it?",
            [("nlu_fallback", 0.3), ("report_vision", 0.39), ("faq", 0.35)],
            "faq",
        ),
        # Between the article and anything else, or with nothing asked: the fallback.
        (
            "can you recommend a good cafe near the clinic?",
            [("nlu_fallback", 0.3), ("faq", 0.46), ("out_of_scope", 0.44)],
            "nlu_fallback",
        ),
        (
            "had it done on Monday, squinting at screens all day",
            [("nlu_fallback", 0.3), ("report_vision", 0.39), ("faq", 0.35)],
            "nlu_fallback",
        ),
    ],
)
def test_a_question_caught_by_the_fallback_between_the_article_and_safety_is_read(
    text: str, ranking: list[tuple[str, float]], expected: str
) -> None:
    assert ranked(text, *ranking).get("intent")["name"] == expected


@pytest.mark.parametrize(
    ("text", "symptom", "asked"),
    [
        # Someone close's sign, with no word of who had the treatment: kept, and asked about.
        ("my sister can't keep her eyelid up", "eyelid_cannot_open", True),
        ("my husband is seeing two of everything since yesterday", "double_vision", True),
        # An emergency sign gets its advice at once, whoever had the treatment.
        ("my mum can't swallow properly and her voice is slurred", "swallowing_difficulty", False),
    ],
)
def test_someone_closes_sign_with_no_word_of_the_treatment_is_kept_and_asked_about(
    text: str, symptom: str, asked: bool
) -> None:
    message = ranked(text, ("faq", 0.6), ("report_vision", 0.2))
    entities = message.get("entities")
    assert message.get("intent")["name"] == "report_symptom"
    assert {"entity": "symptom", "value": symptom} in [
        {"entity": e["entity"], "value": e["value"]} for e in entities
    ]
    assert any(e["entity"] == "about_someone" for e in entities) is asked


@pytest.mark.parametrize(
    "text",
    [
        "my sister had botox on Monday and can't keep her eyelid up",  # a carer's report
        "my sister says botox can make your eyelid drop",  # hearsay
        "my friend couldn't breathe properly after hers, is that common?",  # beside mine
    ],
)
def test_whose_sign_it_is_is_not_asked_when_the_message_says(text: str) -> None:
    entities = ranked(text, ("faq", 0.6), ("report_vision", 0.2)).get("entities") or []
    assert not any(e["entity"] == "about_someone" for e in entities)


@pytest.mark.parametrize(
    "text",
    [
        "the upper lid has dropped down over my eye and wont open properly",
        "the eyelid just won't open properly, i can only see through a gap",
    ],
)
def test_a_negated_opens_fine_does_not_veto_the_classifiers_eyelid_sign(text: str) -> None:
    message = classified(text, [("report_eyelid", 0.9)])
    assert ("symptom", "eyelid_cannot_open") in entities(message)


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # About the result, not the sight: no vision sign from the classifier.
        ("it's been 5 days and I can't see any difference yet, is it working?", None),
        ("I can't see a change in my frown lines", None),
        # Still the sight.
        ("I can't see properly out of my left eye", "vision_problem"),
    ],
)
def test_not_seeing_a_difference_is_no_vision_sign(text: str, sign: str | None) -> None:
    message = classified(text, [("report_vision", 0.9)])
    signs = {value for kind, value in entities(message) if kind == "symptom"}
    if sign is None:
        assert not signs
    else:
        assert sign in signs
