"""A dense sentence feature from static word-piece vectors distilled from MiniLM.

``StaticEmbeddingFeaturizer`` adds to each message with a text one dense sentence feature:
the SIF-weighted mean of its word pieces' vectors, scaled to unit length, times ``weight``
(components/static_embeddings.py). It costs a few hundredths of running the encoder itself on
every message: about 25 microseconds for a short message against 6 to 10 ms.

``train`` distils the vectors from all-MiniLM-L6-v2 (20 to 30 s on the project's 2-core
machine; the NLU data plays no part) and writes them into the trained model (15 MB at 256
dimensions in float16); ``load`` reads them back, without MiniLM. The vectors depend on the
configuration alone, so one process distils them once per configuration: cross-validation's
folds and a retrained model reuse them. Rasa's cache skips ``train`` altogether while neither
the configuration nor the NLU data changes. Importing this module loads nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.minilm import DIMENSION, MiniLM
from components.static_embeddings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_DIMENSIONS,
    DEFAULT_SIF,
    StaticEmbeddings,
    distill,
)
from components.trained_featurizer import TrainedFeaturizer

logger = logging.getLogger(__name__)

_Key = tuple[str, int | None, float | None, str]
_distilled: dict[_Key, StaticEmbeddings] = {}
_distilled_lock = threading.Lock()


def _key(config: dict[str, Any]) -> _Key:
    return (config["pooling"], config["dimensions"], config["sif"], config["dtype"])


def shared_embeddings(config: dict[str, Any]) -> StaticEmbeddings:
    """The vectors for this configuration, distilled on the first call in this process.

    MiniLM is loaded for the distillation only, and let go after it.
    """
    key = _key(config)
    with _distilled_lock:
        if key not in _distilled:
            logger.info("Distilling static embeddings from MiniLM (%s)", key)
            _distilled[key] = distill(
                MiniLM.load(),
                pooling=config["pooling"],
                dimensions=config["dimensions"],
                sif=config["sif"],
                dtype=config["dtype"],
                batch_size=config["batch_size"],
            )
        return _distilled[key]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class StaticEmbeddingFeaturizer(TrainedFeaturizer[StaticEmbeddings], DenseFeaturizer):
    """The message's static sentence vector (distilled from MiniLM), as a dense feature.

    Of a very long message, its head and tail are read (``components/long_messages.py``);
    the part that asks (``components/question_focus.py``) gets a vector of its own.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``weight`` scales the unit-length vector; the rest is ``distill``'s settings.

        ``pooling`` "mean" or "token", ``dimensions`` (None: 384, no PCA), ``sif`` (None:
        unweighted), ``dtype`` of the stored vectors, ``batch_size`` for the distillation.
        """
        return {
            **DenseFeaturizer.get_default_config(),
            "weight": 1.0,
            "pooling": "mean",
            "dimensions": DEFAULT_DIMENSIONS,
            "sif": DEFAULT_SIF,
            "dtype": "float16",
            "batch_size": DEFAULT_BATCH_SIZE,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """``tokenizers`` always; ``safetensors`` to load MiniLM for the distillation."""
        return ["safetensors", "tokenizers"]

    @property
    def _embeddings(self) -> StaticEmbeddings | None:
        return self._state

    def fit(self, training_data: TrainingData) -> StaticEmbeddings:
        """Distils the vectors (or reuses this process's): they do not depend on the data."""
        return shared_embeddings(self._config)

    def write(self, state: StaticEmbeddings, directory: Path) -> None:
        """The word pieces' vectors."""
        state.save(directory)

    @classmethod
    def read(cls, directory: Path) -> StaticEmbeddings:
        """The vectors; ``ValueError`` or ``FileNotFoundError`` if they are not there."""
        return StaticEmbeddings.load(directory)

    def vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Each text's vector in one batch (zero if no word piece is known), times ``weight``."""
        assert self._state is not None
        encoded = self._state.encode(list(texts))
        weight = self._config["weight"]
        if weight != 1.0:
            encoded *= weight
        return [vector[None, :].copy() for vector in encoded]

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Checks the weight and the distillation's settings."""
        if not config["weight"] > 0:
            raise ValueError("weight must be above 0")
        if config["pooling"] not in ("mean", "token"):
            raise ValueError("pooling must be 'mean' or 'token'")
        dimensions = config["dimensions"]
        if dimensions is not None and not (
            isinstance(dimensions, int) and 1 <= dimensions <= DIMENSION
        ):
            raise ValueError(f"dimensions must be null or a whole number from 1 to {DIMENSION}")
        if config["sif"] is not None and not config["sif"] > 0:
            raise ValueError("sif must be null or above 0")
        if config["dtype"] not in ("float16", "float32"):
            raise ValueError("dtype must be float16 or float32")
        if not (isinstance(config["batch_size"], int) and config["batch_size"] >= 1):
            raise ValueError("batch_size must be a whole number of at least 1")
