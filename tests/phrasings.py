"""Everyday phrasings of each red flag and emergency sign, and of what must not be one.

Shared by tests/test_symptoms.py and benchmarks/bench.py (which prints the detection rate).
"""

from actions.symptoms import Symptom

RED_FLAG_PHRASINGS: dict[Symptom, list[str]] = {
    Symptom.EYELID_CANNOT_OPEN: [
        "I can't open my eye fully",
        "my lid covers my eye",
        "my eyelid is covering half my eye",
        "I cannot open my left eye properly",
        "the eye won't open all the way",
        "my eye is half closed since the botox",
        "I can barely open my eye",
        "difficulty opening my eyes",
        "I can't lift my eyelid",
        "no I can't open it",
    ],
    Symptom.BLURRED_VISION: [
        "my vision is blurry",
        "is blurry vision normal after botox?",
        "everything looks blurred",
        "my sight is a bit blury",
        "things are out of focus",
        "my vision went fuzzy",
        "blurriness in my right eye",
    ],
    Symptom.DOUBLE_VISION: [
        "I'm seeing double",
        "I have double vision",
        "I see two of everything",
        "double images when I look up",
    ],
    Symptom.VISION_PROBLEM: [
        "I can't see properly",
        "I have vision problems since the injections",
        "hard to focus my eyes",
        "my eyesight is worse",
        "trouble seeing out of my left eye",
    ],
    Symptom.PERSISTENT_PAIN: [
        "the injection site still hurts",
        "there's pain at the injection site that won't go away",
        "constant pain where I was injected",
        "the pain is getting worse",
        "persistent pain near my eye",
    ],
    Symptom.PERSISTENT_REDNESS: [
        "the injection site is still red",
        "redness that won't go away",
        "the redness is getting worse",
        "persistent redness on my forehead",
    ],
}

EMERGENCY_PHRASINGS: dict[Symptom, list[str]] = {
    Symptom.BREATHING_DIFFICULTY: [
        "I have trouble breathing",
        "I can't breathe properly",
        "I'm short of breath",
        "it's hard to breathe",
        "struggling to breathe since this morning",
    ],
    Symptom.SWALLOWING_DIFFICULTY: [
        "I can't swallow properly",
        "difficulty swallowing",
        "swallowing is hard",
        "it's difficult to swallow food",
    ],
    Symptom.SPEECH_DIFFICULTY: [
        "my speech is slurred",
        "I'm slurring my words",
        "I can't talk properly",
        "trouble speaking",
    ],
    Symptom.GENERAL_WEAKNESS: [
        "I feel weak all over",
        "generalised weakness",
        "my arms and legs feel weak",
        "my whole body feels weak",
    ],
    Symptom.THROAT_TIGHTNESS: [
        "my throat feels tight",
        "tightness in my throat",
        "my throat is closing up",
    ],
    Symptom.FACE_SWELLING: [
        "my face is swelling up",
        "my lips are swollen",
        "swollen tongue",
        "I think I'm having an allergic reaction",
    ],
}

NOT_RED_FLAGS: list[str] = [
    "my eye is twitching",
    "no blurred vision, just a twitch",
    "I don't have double vision",
    "my vision is fine",
    "I can see fine, it just twitches",
    "my eyelid is a little droopy",
    "slight swelling around my eye",
    "a small bruise",
    "my eyes are dry and gritty",
    "my eyes keep watering",
    "one eyebrow is higher than the other",
    "no trouble breathing",
    "I can open my eye fully",
    "it's a bit red",
    "it was sore on the first day",
    "can I drink coffee?",
    "why is my eye twitching?",
    "is drooping normal?",
    "I'm not sure why it twitches",
]
