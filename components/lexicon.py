"""Word-list features: what a word means, which a few hundred examples cannot teach.

``LexiconFeaturizer`` turns each lookup table and regex of the training data
(``data/nlu/lookups.yml``) into one sentence feature: ``weight`` if the message matches it,
else nothing. The lookup tables match whole words and phrases in any case, as Rasa's own
``RegexFeaturizer`` reads them (``rasa.nlu.utils.pattern_utils``). It sits beside
``TfidfFeaturizer``; the classifiers read both vectors side by side.

Why not Rasa's ``RegexFeaturizer``: it needs a tokenizer, gives every match the weight 1,
and fires only where a match overlaps a token. With the weight 1 the word lists drowned the
n-grams (cross-validated intent F1 0.947 against 0.955 at 0.3 to 0.5, docs/performance.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.utils.pattern_utils import extract_patterns
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.trained_featurizer import TrainedFeaturizer

PATTERNS_FILE = "patterns.json"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class LexiconFeaturizer(TrainedFeaturizer[list[dict[str, str]]], SparseFeaturizer):
    """One feature per lookup table and regex of the training data.

    Of a very long message, its head and tail are read; the part that asks
    (``components/question_focus.py``) gets a vector of its own.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``weight`` is a match's value, against TF-IDF vectors of unit length."""
        return {**SparseFeaturizer.get_default_config(), "weight": 0.3}

    def use(self, state: list[dict[str, str]]) -> None:
        """Takes the patterns, compiled."""
        super().use(state)
        self._patterns = state
        self._compiled = [re.compile(p["pattern"], re.IGNORECASE) for p in state]

    @property
    def names(self) -> list[str]:
        """The features' names, in the vector's order."""
        return [pattern["name"] for pattern in self._state or []]

    def fit(self, training_data: TrainingData) -> list[dict[str, str]]:
        """Takes the lookup tables (as whole-word regexes) and the regexes of the data."""
        return list(extract_patterns(training_data, use_word_boundaries=True))

    def write(self, state: list[dict[str, str]], directory: Path) -> None:
        """The patterns, as JSON."""
        (directory / PATTERNS_FILE).write_text(json.dumps(state), encoding="utf-8")

    @classmethod
    def read(cls, directory: Path) -> list[dict[str, str]]:
        """The patterns it was trained with."""
        return list(json.loads((directory / PATTERNS_FILE).read_text(encoding="utf-8")))

    def vectors(self, texts: Sequence[str]) -> list[scipy.sparse.coo_matrix]:
        """Each text's features."""
        return [self.vector(text) for text in texts]

    def vector(self, text: str) -> scipy.sparse.coo_matrix:
        """``weight`` in the column of every pattern ``text`` matches."""
        columns = [i for i, pattern in enumerate(self._compiled) if pattern.search(text)]
        return scipy.sparse.coo_matrix(
            ([self._config["weight"]] * len(columns), ([0] * len(columns), columns)),
            shape=(1, len(self._compiled)),
        )

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Checks the weight."""
        if not config["weight"] > 0:
            raise ValueError("weight must be above 0")
