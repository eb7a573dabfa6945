"""An NLU component that screens every message before the dialogue policies see it.

It runs last in the pipeline, after the intent classifier and the fallback classifier:

* **Red flags first.** A message that reports an article red flag or an emergency sign, not
  negated, becomes a ``report_symptom`` whatever the classifier said, and even if it fell
  below the fallback threshold: "is blurry vision normal after botox?" is a report to
  triage, not a question to answer.
* **A symptom of the patient's own starts the check.** A message that reports any symptom
  the screen knows ("my lid looks heavy since friday, will it settle?"), or a change the
  article says nothing about ("feeling a bit sick since this morning"), becomes a
  ``report_symptom`` unless the classifier read it as a yes, a no or a request (stop, a
  person, deletion). So does a statement about the body that fell to the fallback ("left
  brow dropped and doesn't move"): the check asks, rather than "I didn't understand". The
  response selector's answer stays on the message, so the triage form gives the article's
  answer first when the patient asked something.
* **The classifier as a safety net.** The screen's word patterns cannot know every way of
  saying "my lid covers half my eye" or "food keeps getting stuck". The intent classifier
  also learns, from ``data/nlu/red_flags.yml``, to tell a report of each red-flag group and
  of an emergency sign by its meaning (with the sentence encoder's help). When it is sure
  enough, and the screen did not read that group as denied, the group's sign is added to
  what the screen found. Those intents always leave here as ``report_symptom``.
* **Symptoms as entities**, for the triage form to read: ``symptom`` (reported, e.g.
  ``blurred_vision``), ``denied_symptom`` ("no blurred vision") and ``trend``
  (``improving``/``not_improving``); and ``body_change`` (``about_the_body``,
  ``beyond_the_article``), for the safety net after an answer (``actions/article.py``). The
  screening is plain Python in ``aftercare/screen.py``; the entity format is in
  ``aftercare/slots.py``, beside its reader.
* **A patient's safety before anything else.** A message that tells of thoughts of suicide or
  self-harm (``aftercare/concern.py``, words in ``aftercare/lexicon/crisis.yml``) becomes
  ``crisis`` whatever else it says; words that may mean it become ``crisis_check`` (ask
  gently); a concern only the classifier reads (its intent ``concern``) becomes ``distress``
  (help offered, the help line, a gentle question), unless it is a figure of speech ("this
  twitch is killing me"). With a red flag or
  an emergency sign beside them, ``crisis`` (the sign's check follows, so a question about
  harm could not be answered). Deep distress becomes ``distress``; told with a red flag,
  ``distress_with_sign`` (acknowledged, the help line, and the check next, with no question
  that could not be answered); with an emergency sign, the sign's check, its advice first. A
  classifier's ``crisis`` or ``distress`` that the screen does not keep gives way to its
  next intent. Only the classifier's hint of distress, on the patient's own symptom that
  decides nothing ("I've had a horrible headache ever since"), is ``distress_with_sign``
  too, so the check follows; asked about, it gives way to the report.
* **A general question about an emergency sign or a red flag** ("can botox make you slur
  your words?", "is it possible to get double vision from botox? I'm fine"), with no symptom
  of the patient's own, becomes ``ask_warning_signs``: the warning signs and what to do if
  they happen, never "call 999 now" (the questions' words: ``aftercare/lexicon/questions.yml``).
* **A message mostly in a non-Latin script** (Chinese, Arabic, Cyrillic, ...) becomes
  ``non_english``: the bot reads English only, and character n-grams cannot learn every
  script from a few examples.
* **A message longer than** ``max_characters`` (1000) becomes ``nlu_fallback``: a classifier's
  guess on an essay is noise, and the fallback answer asks for a sentence or two. Its
  symptoms are still screened.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message

from aftercare import body, concern, intents, limits, screen, spelling
from aftercare.body import body_change
from aftercare.concern import (
    Concern,
    assess,
    crisis_of_someone_else,
    figurative,
    worry_about_the_result,
)
from aftercare.experiencer import aside, for_someone_treated, general_question, whose_unclear
from aftercare.questions import asks_question
from aftercare.replies import plain_answer, yes_no
from aftercare.screen import asks_about_warning_signs, screen_for_someone, screen_told
from aftercare.severity import Severity
from aftercare.slots import (
    about_someone_entities,
    body_change_entities,
    crisis_of_entities,
    for_someone_treated_entities,
    only_asked_entities,
    screening_entities,
)
from aftercare.symptoms import Screening, ScreeningQuestion, Symptom, Trend
from components.long_messages import classified_part, prescreened

# A report of a group's sign names something of that group: the classifier alone is not
# trusted on a message without one of these words ("everything seems fine").
_GROUP_WORDS = {
    ScreeningQuestion.EYELID: re.compile(r"\b(?:eye|eyes|eyelids?|lids?|pupils?)\b"),
    ScreeningQuestion.VISION: re.compile(
        r"\b(?:see|seeing|saw|seen|vision|visual|sight|eyesight|look|looks|looking|focus\w*|"
        r"read\w*|blur\w*|double|doubled|ghost\w*|shadow\w*|hazy|haze|fuzzy|foggy|blind\w*|"
        r"eyes?|screen|text|words|letters|lines|tv)\b"
    ),
    ScreeningQuestion.INJECTION_SITE: re.compile(
        r"\b(?:inject\w*|needle|jab\w*|spots?|sites?|points?|pain\w*|sore\w*|hurt\w*|ache\w*|"
        r"aching|tender\w*|red\w*|throb\w*|sting\w*|burn\w*|hot|warm|pus|ooz\w*|lump\w*)\b"
    ),
    ScreeningQuestion.EMERGENCY: re.compile(
        # Not the lips, mouth or face alone: "the right side of my upper lip won't lift" is
        # the toxin where it was put; their swelling is in the words below.
        r"\b(?:breath\w*|air|chest|lungs?|swallow\w*|food|drinks?|drinking|water|chok\w*|"
        r"throats?|tongues?|speak\w*|speech|talk\w*|words?|voice|slur\w*|"
        r"weak\w*|arms?|legs?|body|strength|limbs?|floppy|jelly|hold|swell\w*|swollen|"
        r"puff\w*|hives|rash|allerg\w*|stuck)\b"
    ),
}
# Words that answer a group's question "no" in words the screen has no pattern for: then the
# classifier's sign of that group is not believed ("a bit droopy, I can open it properly").
_GROUP_DENIED = {
    # "I can't see any difference yet, is it working?" is about the result, not the sight.
    ScreeningQuestion.VISION: re.compile(
        r"\b(?:can't|cant|cannot|can not|don't|dont) see (?:any|a|much|the|an|no) "
        r"(?:difference|change|changes|results?|improvement|effect|effects)\b"
    ),
    ScreeningQuestion.EYELID: re.compile(
        r"\b(?:can|could) (?:still )?(?:open|lift) (?:it|them|both eyes|"
        r"(?:my|the|her|his|their) (?:eyes?|(?:eye)?lids?))"
        r"(?: up)? (?:fully|properly|all the way|fine|ok|okay|normally|completely)\b|"
        # Not "it won't open properly": a negation before it is the sign, not its denial.
        r"(?<!n't )(?<!nt )(?<!not )(?<!never )"
        r"\bopens? (?:fully|properly|all the way|fine|ok|okay|normally)\b"
    ),
}
# The screen reads whether pain, redness or swelling at a site persists; the classifier does
# not: "slight redness at one spot this morning" is no injection-site red flag. Unless the
# patient says it is not improving: then the classifier's reading stands.
_JUDGED_BY_THE_SCREEN = {
    ScreeningQuestion.INJECTION_SITE: frozenset(
        {Symptom.PAIN, Symptom.REDNESS, Symptom.SWELLING, Symptom.BRUISING}
    ),
}
_PLAIN_NO = re.compile(r"\W*(?:no+|nope|nah+|not really|none|nothing|never)\b")
_ALL_FINE = re.compile(
    r"\b(?:everything|all|it|they|both|things)(?:'s| is| are| seems?| looks?| feels?)? "
    r"(?:all )?(?:fine|ok|okay|good|normal|great)\b|\b(?:are|is|seem|seems|feel|feels) "
    r"(?:totally |completely |perfectly )?(?:fine|ok|okay|normal)\b|"
    r"\bnothing (?:much |new |at all )?to report\b|"
    r"\b(?:eyesight|sight|vision|mine|eyes?|everything)'s (?:absolutely |completely |totally |"
    r"perfectly )?(?:fine|ok|okay|normal|good)\b"
)


def mostly_non_latin(text: str) -> bool:
    """Whether most of the letters in ``text`` are outside the Latin alphabet."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    latin = sum(1 for c in letters if c.isascii() or "LATIN" in unicodedata.name(c, ""))
    return latin < len(letters) / 2


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class MessageScreener(GraphComponent, EntityExtractorMixin):
    """Adds symptom entities and reroutes red flags, other scripts and over-long messages."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The intents messages are rerouted to, and the longest message classified."""
        return {
            "report_intent": intents.REPORT_SYMPTOM,
            "non_english_intent": intents.NON_ENGLISH,
            "fallback_intent": intents.FALLBACK,
            "max_characters": limits.CLASSIFIED_WHOLE,
            # Intents a reported symptom does not override: requests, and answers that start
            # with a yes or a no ("no, just a twitch"), not a story that says "not sure".
            "keep_intents": list(intents.KEPT_BY_SCREENER),
            "answer_intents": list(intents.ANSWERS),
            # The classifier's intents for a red flag or an emergency sign, and the symptom
            # each stands for when the classifier gives it at least ``concept_confidence``.
            "concept_intents": {
                "report_eyelid": Symptom.EYELID_CANNOT_OPEN.value,
                "report_vision": Symptom.VISION_PROBLEM.value,
                "report_injection_site": Symptom.INJECTION_SITE_PROBLEM.value,
                "report_emergency": Symptom.EMERGENCY_SIGN.value,
            },
            "concept_confidence": 0.5,
            # ... read among the intents other than the concern ones; but never below this
            # share of the whole: "I wake up, check my lips and cry" gave `report_emergency`
            # 0.03 beside `concern` 0.96, which read apart was 0.8, and "call 999".
            "concept_least_confidence": 0.1,
            # The intent each concern for the patient's safety becomes (aftercare/concern.py).
            "concern_intents": {
                Concern.CRISIS.value: intents.CRISIS,
                Concern.UNCLEAR.value: intents.CRISIS_CHECK,
                Concern.DISTRESS.value: intents.DISTRESS,
            },
            # Distress told with a red flag or an emergency sign, whose check follows at once:
            # acknowledged, with the help line, and nothing asked.
            "distress_with_sign_intent": intents.DISTRESS_WITH_SIGN,
            # A question about the article that only the classifier hears distress in: the
            # article's answer, then help offered as for distress. Meeting it as distress
            # alone left the question unanswered; answering it alone lost crises.
            "distress_with_question_intent": intents.DISTRESS_WITH_QUESTION,
            # A general question about an emergency sign, with no symptom of the patient's own
            # ("can botox make you slur your words?"), or about a red flag: the warning signs,
            # and what to do if they happen.
            "asked_sign_intent": intents.ASK_WARNING_SIGNS,
            # The classifier's intent for a concern, and how it is met when the words do not
            # tell its level: as distress (help offered, the help line, a gentle question).
            "classifier_concerns": {intents.CONCERN: Concern.DISTRESS.value},
        }

    def __init__(self, config: dict[str, Any]) -> None:
        """Keeps the component's configuration."""
        self._config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageScreener:
        """Creates the component (it has nothing to train), with its word lists read.

        The screen mends misspelt words (``aftercare/spelling.py``) and reads the lexicon
        files (``aftercare/lexicon/``); reading them here, as the model loads, spares the
        first patient the wait, and a file that cannot be read stops the start.
        """
        spelling.warm_up()
        screen.warm_up()
        concern.warm_up()
        body.warm_up()
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Screens each message: entities first, then the intent it must have, if any."""
        for message in messages:
            text = message.get(TEXT) or ""
            # A long message's screening, read in pieces by the channel, or the text's own.
            screening = prescreened(text, message.get(METADATA)) or screen_told(text)
            words = assess(text)
            screening = self._with_concepts(message, screening, words is Concern.NONE)
            change = body_change(classified_part(text))
            screening, about_someone = _whose(text, screening)
            entities = self.add_extractor_name(
                screening_entities(screening, len(text))
                + body_change_entities(change.about, change.beyond, len(text))
                + (about_someone_entities(len(text)) if about_someone else [])
                + (for_someone_treated_entities(len(text)) if for_someone_treated(text) else [])
            )
            if entities:
                message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
            intent = (message.get(INTENT) or {}).get("name")
            if intent == self._config["fallback_intent"] and asks_question(text):
                intent = self._out_of_the_fallback(message)
            concern = self._concern(message, text, words, screening, change.about)
            if (
                concern is Concern.DISTRESS
                and words is Concern.NONE
                and (screening.present or change.beyond)
                and not screening.severity.decides
                and body.own_story(text)
            ):
                # Only the classifier's hint of distress, on the patient's own symptom. Asked
                # about ("tight and a dull headache, could sleeping face down have caused
                # it?"): the answer and the check, as for any report. Told ("I've had a
                # horrible headache ever since"): help offered, and the check next. Either
                # way the symptom is not left aside.
                if not asks_question(text):
                    _set_intent(message, self._config["distress_with_sign_intent"])
                    continue
                concern = Concern.NONE
            if concern is Concern.UNCLEAR and screening.severity.decides:
                # A sign's check follows the reply, so no question about harm could be
                # answered: the help lines, without asking.
                concern = Concern.CRISIS
            if concern is Concern.DISTRESS and screening.severity.decides:
                # Distress in so many words, with a red flag: acknowledged, then the check.
                # With an emergency sign, or only the classifier's hint of distress, the
                # sign's advice comes first: its check follows below.
                if words is Concern.DISTRESS and screening.severity is Severity.RED_FLAG:
                    _set_intent(message, self._config["distress_with_sign_intent"])
                    continue
            elif concern is not Concern.NONE:
                name = self._config["concern_intents"][concern.value]
                if concern is Concern.DISTRESS and _asks_the_article(message, text):
                    # Distress, in words or only the classifier's hint, beside a question
                    # about the article: the answer, then the distress reply.
                    name = self._config["distress_with_question_intent"]
                _set_intent(message, name)
                if concern is Concern.CRISIS:
                    # Whose crisis it is: the help lines' reply speaks of them.
                    whose = crisis_of_entities(crisis_of_someone_else(text), len(text))
                    message.set(
                        ENTITIES,
                        message.get(ENTITIES, []) + self.add_extractor_name(whose),
                        add_to_output=True,
                    )
                continue
            if intent in self._config["classifier_concerns"]:
                intent = _give_way(message, set(self._config["classifier_concerns"]))
            if (
                not screening.present
                and not self._keeps(intent, text)
                and asks_about_warning_signs(text)
            ):
                # A general question about a red flag or an emergency sign ("can botox give
                # you double vision? I don't have it"): the warning signs, not the alarm.
                _set_intent(message, self._config["asked_sign_intent"])
                continue
            # A change the article says nothing about ("feeling a bit sick since this
            # morning") is a symptom of its own, checked like the others; asked as a
            # question, it keeps the article's answer and the safety net (actions/article.py).
            # A change the classifier took for a question is checked too when it is the
            # patient's own story (body.own_story): the article's answer, then the check.
            other = (
                (intent != "faq" and change.beyond)
                or (intent == "faq" and change.about and body.own_story(text))
                or (
                    # A statement about the body the classifier could not place ("left brow
                    # dropped and doesn't move"): the check asks, rather than "I didn't
                    # understand".
                    intent == self._config["fallback_intent"]
                    and change.about
                    and not asks_question(text)
                    and not aside(text)
                )
            )
            if (
                screening.severity.decides
                or self._is_concept(intent)
                or ((screening.present or other) and not self._keeps(intent, text))
            ):
                _set_intent(message, self._config["report_intent"])
                if not (screening.severity.decides or self._is_concept(intent)) and (
                    body.only_asked(text)
                ):
                    # "is drooping normal?": answered, then asked whether it is happening to
                    # the writer now (the check's first question), rather than guessed.
                    only = self.add_extractor_name(only_asked_entities(len(text)))
                    message.set(ENTITIES, message.get(ENTITIES, []) + only, add_to_output=True)
            elif mostly_non_latin(classified_part(text)):
                _set_intent(message, self._config["non_english_intent"])
            elif len(text) > self._config["max_characters"]:
                _set_intent(message, self._config["fallback_intent"])
        return messages

    def _concern(
        self,
        message: Message,
        text: str,
        found: Concern,
        screening: Screening,
        about_the_body: bool,
    ) -> Concern:
        """The concern for the patient's safety: the words', or the classifier's if it is surer.

        The classifier's hint of distress gives way to what the words plainly are: a figure of
        speech, an answer to the check's question ("meh. same" to "is it getting better?"), a
        general question ("is it possible the botox go to the whole body? I have nothing"), or
        a carer's report of the treated person's body ("her smile has been crooked since.
        She's too embarrassed to message herself"), whose check must not be stopped.
        """
        if found is not Concern.NONE:
            return found
        intent = message.get(INTENT) or {}
        classified = self._config["classifier_concerns"].get(intent.get("name"))
        if classified is None or figurative(text) or _ALL_FINE.search(text.lower()):
            # "This twitch is killing me", "just checking in, everything seems fine": the
            # words say what the classifier's hint of distress does not.
            return Concern.NONE
        if plain_answer(text) or (screening.trend is not None and len(text.split()) <= 8):
            # "it's clear, they just feel horrible" to "is your vision blurred?": an answer
            # to the check's question, which the hint alone must not stop. Distress in words
            # ("no, I just feel so low") is read above, by the words.
            return Concern.NONE
        if general_question(text) or (about_the_body and for_someone_treated(text)):
            return Concern.NONE
        if worry_about_the_result(text):
            # "Slept on my face, have I ruined it?": a question about the treatment.
            return Concern.NONE
        return Concern(classified)

    def _out_of_the_fallback(self, message: Message) -> str:
        """A question the fallback caught between the article and a reading for safety.

        "I've just found out I'm pregnant ... is that going to be a problem for the baby?"
        (``concern`` 0.49, ``faq`` 0.45) or "is squinting going to mess it up?"
        (``report_vision`` 0.39, ``faq`` 0.35): "I didn't understand" helps nobody. The
        classifier's first two readings are kept, the fallback set aside, and the rest of the
        screening goes on from them: the concern is met beside the answer, and a sign the
        classifier is unsure of is not believed. Between the article and anything else (a
        pizza place near the clinic), the fallback stands.
        """
        fallback = self._config["fallback_intent"]
        ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get("name") != fallback]
        names = {str(e.get("name")) for e in ranking[:2]}
        safety = {*self._config["classifier_concerns"], *self._config["concept_intents"]}
        if intents.FAQ not in names or not names & safety:
            return fallback
        best = (
            ranking[0]
            if ranking[0].get("name") in self._config["classifier_concerns"]
            else next(e for e in ranking if e.get("name") == intents.FAQ)
        )
        message.set(INTENT, dict(best), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return str(best.get("name"))

    def _is_concept(self, intent: str | None) -> bool:
        return intent in self._config["concept_intents"]

    def _with_concepts(
        self, message: Message, screening: Screening, apart_from_concerns: bool = True
    ) -> Screening:
        """The screening, with the signs the classifier is sure of and the screen did not deny.

        ``apart_from_concerns``: a sign's confidence is read among the intents other than the
        concern ones, unless the words tell a concern themselves ("I feel like a freak, the
        kids are looking at me" is no less distress for the classifier's hint of a sign).
        """
        threshold = self._config["concept_confidence"]
        least = self._config["concept_least_confidence"]
        added: set[Symptom] = set()
        text = classified_part(message.get(TEXT) or "").lower()  # what the classifier read
        if _PLAIN_NO.match(text) or _ALL_FINE.search(text) or aside(text) or general_question(text):
            # "no, my lips and tongue are fine": a denial in words the patterns don't know;
            # "what if my lid ever drooped?", "my friend couldn't breathe", "can botox cause
            # double vision? not that I have it": no report.
            return screening
        ranking = message.get(INTENT_RANKING_KEY) or []
        # The concern intents are judged apart (_concern): a sign's confidence is read among
        # the other intents, so that "my vision was strange, my friend said to tell you" is
        # no less a report for sounding worried.
        concerns = sum(
            float(e.get("confidence") or 0.0)
            for e in ranking
            if apart_from_concerns and e.get("name") in self._config["classifier_concerns"]
        )
        for entry in ranking:
            code = self._config["concept_intents"].get(entry.get("name"))
            raw = float(entry.get("confidence") or 0.0)
            confidence = raw / max(1.0 - concerns, 1e-6)
            if code is None or confidence < threshold or raw < least:
                continue
            symptom = Symptom(code)
            group = next(q for q in ScreeningQuestion if symptom in q.symptoms)
            if (
                screening.answer(group) is None
                and not (
                    screening.trend is not Trend.NOT_IMPROVING
                    and screening.present & _JUDGED_BY_THE_SCREEN.get(group, frozenset())
                )
                and _GROUP_WORDS[group].search(text)
                and not (group in _GROUP_DENIED and _GROUP_DENIED[group].search(text))
            ):
                added.add(symptom)
        if not added:
            return screening
        return Screening(screening.present | added, screening.absent - added, screening.trend)

    def _keeps(self, intent: str | None, text: str) -> bool:
        """Whether a message with a symptom keeps the classifier's intent."""
        if intent in self._config["keep_intents"]:
            return True
        return intent in self._config["answer_intents"] and yes_no(text) is not None


def _whose(text: str, screening: Screening) -> tuple[Screening, bool]:
    """The screening, with someone close's signs when the message does not say who had it.

    "My sister can't keep her eyelid up": no sign of the writer's own, and no word of who had
    the treatment (``experiencer.whose_unclear``). Her signs are never dropped: an emergency
    sign gets its advice at once (999 is right for it, treated or not); any other is kept,
    and the check asks first "Is this about you, or someone who had the treatment?" (the
    second value: True).
    """
    if screening.present or not whose_unclear(text):
        return screening, False
    theirs = screen_for_someone(text)
    if not theirs.present:
        return screening, False
    merged = screening.merge(theirs)
    return merged, theirs.severity is not Severity.EMERGENCY


def _asks_the_article(message: Message, text: str) -> bool:
    """Whether ``text`` asks a question that the classifier's runner-up takes for the article's.

    "Good morning, I would like to know how many days it takes for the product to settle":
    the classifier's hint of distress is its first intent, and an article question its next.
    """
    if not asks_question(text):
        return False
    ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get("name") != intents.CONCERN]
    return bool(ranking) and ranking[0].get("name") == intents.FAQ


def _give_way(message: Message, names: set[str]) -> str | None:
    """Makes the best intent of the ranking that is not one of ``names`` the message's own."""
    ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get("name") not in names]
    if not ranking:
        return None
    best = ranking[0]
    message.set(INTENT, dict(best), add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    return str(best.get("name"))


def _set_intent(message: Message, name: str) -> None:
    """Makes ``name`` the message's intent, with full confidence, at the top of the ranking."""
    intent = message.get(INTENT) or {}
    if intent.get("name") == name:
        return
    message.set(INTENT, {"name": name, "confidence": 1.0}, add_to_output=True)
    ranking = [e for e in message.get(INTENT_RANKING_KEY) or [] if e.get("name") != name]
    message.set(
        INTENT_RANKING_KEY, [{"name": name, "confidence": 1.0}, *ranking], add_to_output=True
    )
