"""Nothing is built at import time: the screen's modules read their lexicon on first use.

Each is read and compiled by its module's ``warm_up()`` (the NLU component calls them when the
model loads), after which screening a message reads and compiles nothing more.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pinned import ROOT

SCREEN_MODULES = ["aftercare.screen", "aftercare.experiencer", "aftercare.symptoms"]

# Each lexicon file a new interpreter reads is recorded, from before the modules' import on.
RECORDING = """
import aftercare.lexicon as lexicon
read = []
original = lexicon.load
lexicon.load = lambda name: read.append(name) or original(name)
"""


def run(code: str, path: Path = ROOT) -> str:
    """What a new interpreter prints running ``code`` in the project, ``path`` on its path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys([str(ROOT), str(path)]))}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def read_on_import(modules: list[str], path: Path = ROOT) -> list[str]:
    """The lexicon files a new interpreter reads while it imports ``modules``."""
    code = RECORDING + f"import {', '.join(modules)}\nprint(' '.join(read))"
    return run(code, path).split()


@pytest.mark.parametrize("modules", [[m] for m in SCREEN_MODULES] + [SCREEN_MODULES])
def test_importing_the_screen_reads_no_lexicon_file(modules: list[str]) -> None:
    assert read_on_import(modules) == []


def test_the_check_sees_a_lexicon_file_read_at_import(tmp_path: Path) -> None:
    (tmp_path / "eager.py").write_text(
        'from aftercare.lexicon import load\n\nPEOPLE = load("people")\n'
    )
    assert read_on_import(["eager"], tmp_path) == ["people"]


# After the warm-ups, every cache of the screen's modules, the lexicon's and the modifiers'
# (aftercare/context.py) is counted, then messages are screened: no cache may miss again.
AFTER_WARM_UP = """
import functools, json
import aftercare.context, aftercare.lexicon, aftercare.screen, aftercare.experiencer
import aftercare.symptoms
from aftercare.symptoms import ScreeningQuestion, Symptom

aftercare.screen.warm_up()

own = [aftercare.screen, aftercare.experiencer, aftercare.symptoms]
shared = [aftercare.context, aftercare.lexicon]
caches = {
    module: {
        f"{module.__name__}.{name}": value
        for name, value in vars(module).items()
        if hasattr(value, "cache_info") and value.cache_parameters()["maxsize"] is None
    }
    for module in own + shared
}
empty = sorted(
    name for module in own for name, cache in caches[module].items()
    if cache.cache_info().currsize == 0
)
caches = {name: cache for found in caches.values() for name, cache in found.items()}
before = {name: cache.cache_info().misses for name, cache in caches.items()}
for text in json.loads(TEXTS):
    aftercare.screen.screen(text)
    aftercare.screen.screen_told(text)
    aftercare.screen.asked(text)
    aftercare.screen.asks_about_warning_signs(text)
    aftercare.experiencer.aside(text)
    aftercare.experiencer.in_first_person(text)
for symptom in Symptom:
    symptom.severity, symptom.advice
for question in ScreeningQuestion:
    question.symptoms, question.severity
missed = sorted(name for name, cache in caches.items() if cache.cache_info().misses != before[name])
print(json.dumps({"empty": empty, "missed": missed}))
"""

MESSAGES = [
    "no blurred vision, just a twitch",
    "my daughter (24) had botox on Tuesday and tonight her words are slurred",
    "what if my lid ever drooped? not that it has",
    "can botox make you slur your words? I'm fine, just curious",
    "blurred vision: no. the redness has been there for 2 weeks and isn't going down",
    "my friend had double vision after hers",
    "my vision is fine but my thooat feels tigt",
    "it was sore for a day and it's getting better",
]


def test_after_the_warm_ups_screening_builds_nothing() -> None:
    code = f"TEXTS = {json.dumps(json.dumps(MESSAGES))}\n" + AFTER_WARM_UP
    found = json.loads(run(code))
    # Every cache of the screen's own modules is built by the warm-ups...
    assert found["empty"] == []
    # ...and screening reads no lexicon file, compiles no pattern, builds no rule.
    assert found["missed"] == []
