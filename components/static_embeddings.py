"""A static sentence encoder distilled from all-MiniLM-L6-v2 (components/minilm.py), as model2vec.

MiniLM costs 6 to 10 ms of CPU for one short message; this costs a few hundredths of that.
``distill`` runs each word piece of MiniLM's vocabulary (30,522, less the 994 ``[unused*]``
and ``[PAD]``, ``[CLS]``, ``[SEP]``, ``[MASK]``) through the encoder once, alone between
[CLS] and [SEP], and keeps one vector per word piece:

* ``pooling="mean"``: the mean of the three output vectors, before normalisation (what
  model2vec does); ``"token"``: the word piece's own output vector.
* ``dimensions=256``: centred and rotated onto its first 256 principal components (NumPy
  SVD); ``None`` keeps the 384 raw dimensions, not centred.
* ``sif=1e-4``: each vector times ``sif / (sif + p)``, ``p`` a Zipf probability from the word
  piece's rank in the vocabulary (``1 / (rank + 2)``, scaled to sum to 1), as model2vec's
  ``sif_coefficient`` does: BERT's vocabulary lists characters, then words by frequency, so
  "?", "a", "the" weigh least. ``None`` weighs every word piece alike.

``StaticEmbeddings.encode`` splits a text into word pieces with MiniLM's own tokenizer (no
[CLS] or [SEP]), adds their weighted vectors and scales the sum to unit length: the weighted
mean's direction. A text with no known word piece (empty, or only ``[SEP]``-like markers)
gets the zero vector.

Measured on the project's 2-core machine (29 November, data/nlu then 836 to 1,063 FAQ
examples in 16 topics, 2,648 to 2,875 examples in 19 intents):

* ``distill``: 15 to 22 s for the 29,524 word pieces (batches of 256), MiniLM loaded.
* ``encode`` of one message: 0.014 ms ("hello there"), 0.023 ms ("Can I drink coffee after
  botox?"), 0.04 ms for 16 word pieces; about half is the tokenizer. MiniLM: 7 to 21 ms.
* Against MiniLM's own vectors, on the FAQ examples (MiniLM's figure in brackets): topic of
  the nearest other example right 0.70 (0.84), logistic regression 5-fold 0.87 (0.91);
  Spearman correlation of all pairs' cosines with MiniLM's 0.66 to 0.69.
* Beside the TF-IDF vector (components/linear_nlu.py's pipeline, 3 x 5 folds): intent F1
  0.937 without a dense vector, 0.946 with this one (better in 15 folds of 15), 0.959 with
  MiniLM's; the FAQ answer did not move (MiniLM's: 2 points more).
* The choices, each within the folds' noise in that pipeline: "token" pooling agrees
  slightly more with MiniLM (Spearman 0.69 against 0.66); 256 dimensions cost nothing beside
  TF-IDF (0.6 to 1.6 points with the vector alone); SIF brings the cosines nearer MiniLM's
  (Spearman 0.66 against 0.46) and helps FAQ topics alone, but without it the intents alone
  score 3.6 points more ("can", "is it", "how long" tell a question from a report); float16
  changes no figure.

``save`` writes a directory of ``.npy`` arrays (read back without pickle), the tokenizer and
the settings; ``load`` needs neither MiniLM's weights nor its package. Importing this module
loads nothing; ``tokenizers`` is imported on first use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from components import minilm
from components.minilm import DIMENSION, MiniLM

Pooling = Literal["mean", "token"]

VECTORS = "vectors.npy"
WEIGHTS = "weights.npy"
TOKENIZER = "tokenizer.json"
SETTINGS = "settings.json"
FORMAT = 1

DEFAULT_DIMENSIONS = 256
DEFAULT_SIF = 1e-4
DEFAULT_BATCH_SIZE = 256
# Word pieces a message is cut to: a bound on the time of one, far above any real message.
MAX_TOKENS = 512

_SPECIAL = ("[PAD]", "[CLS]", "[SEP]", "[MASK]")
_UNUSED = re.compile(r"\[unused\d+\]")


def distilled_ids(vocabulary: dict[str, int]) -> np.ndarray:
    """The ids of the word pieces that get a vector, in vocabulary order.

    All but ``[unused*]`` (never produced by the tokenizer) and the special markers.
    ``[UNK]`` is kept: it is what the tokenizer makes of an emoji or an unknown script.
    """
    kept = [
        index
        for token, index in vocabulary.items()
        if token not in _SPECIAL and not _UNUSED.fullmatch(token)
    ]
    return np.array(sorted(kept), dtype=np.intp)


def sif_weights(count: int, sif: float | None) -> np.ndarray:
    """``sif / (sif + p)`` for ranks ``0 .. count - 1``, ``p`` Zipf's law over ``count`` items.

    ``p(rank) = (1 / (rank + 2)) / sum``, model2vec's estimate. All ones when ``sif`` is None.
    """
    if sif is None:
        return np.ones(count, dtype=np.float32)
    inverse_rank = 1.0 / np.arange(2, count + 2, dtype=np.float64)
    probability = inverse_rank / inverse_rank.sum()
    return (sif / (sif + probability)).astype(np.float32)


def token_states(model: MiniLM, ids: np.ndarray) -> np.ndarray:
    """MiniLM's last-layer output for ``[CLS] id [SEP]``, each id alone: ``(len(ids), 3, 384)``.

    The forward pass of ``MiniLM._embed`` (same weights, same NumPy kernels), without the
    padding mask, which inputs of one length do not need, and stopping before the pooling.
    tests/unit/test_static_embeddings.py checks that its mean is ``MiniLM``'s own vector.
    """
    cls, sep = _special_id(model, "[CLS]"), _special_id(model, "[SEP]")
    count, length = len(ids), 3
    tokens = np.empty((count, length), dtype=np.intp)
    tokens[:, 0], tokens[:, 1], tokens[:, 2] = cls, ids, sep

    x = model._word[tokens.ravel()]
    x.reshape(count, length, DIMENSION)[...] += model._position[:length]
    x = minilm._layer_norm(x, model._embedding_norm, model._eps)
    heads = model._heads
    size = DIMENSION // heads
    for layer in model._layers:
        qkv = x @ layer.qkv.T
        qkv += layer.qkv_bias
        qkv = qkv.reshape(count, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
        scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2)
        context = minilm._softmax(scores) @ qkv[2]
        context = context.transpose(0, 2, 1, 3).reshape(count * length, DIMENSION)
        attended = context @ layer.attention_out.T
        attended += layer.attention_out_bias
        attended += x
        x = minilm._layer_norm(attended, layer.attention_norm, model._eps)
        hidden = x @ layer.intermediate.T
        hidden += layer.intermediate_bias
        out = minilm._gelu(hidden) @ layer.output.T
        out += layer.output_bias
        out += x
        x = minilm._layer_norm(out, layer.output_norm, model._eps)
    return x.reshape(count, length, DIMENSION)


def _special_id(model: MiniLM, token: str) -> int:
    index = model._tokenizer.token_to_id(token)
    if index is None:
        raise ValueError(f"MiniLM's tokenizer has no {token}")
    return int(index)


def _principal_components(vectors: np.ndarray, dimensions: int) -> np.ndarray:
    """``vectors`` centred and projected on their first ``dimensions`` principal axes.

    Each axis's sign is fixed (its largest coordinate positive), so that the same vectors
    always give the same result.
    """
    centred = vectors.astype(np.float64) - vectors.mean(axis=0, dtype=np.float64)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    axes = axes[:dimensions]
    signs = np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])
    axes *= signs[:, None]
    return (centred @ axes.T).astype(np.float32)


def distill(
    model: MiniLM,
    *,
    pooling: Pooling = "mean",
    dimensions: int | None = DEFAULT_DIMENSIONS,
    sif: float | None = DEFAULT_SIF,
    dtype: str = "float16",
    batch_size: int = DEFAULT_BATCH_SIZE,
    ids: Iterable[int] | None = None,
) -> StaticEmbeddings:
    """One vector per word piece of MiniLM's vocabulary, from MiniLM itself (module docstring).

    ``ids`` limits the distillation to those word pieces (the others get the zero vector):
    for tests. The SIF weights still follow each word piece's rank in the whole vocabulary,
    and the principal axes are those of the word pieces distilled. About 20 to 30 s for the
    whole vocabulary on the project's 2-core machine.
    """
    if pooling not in ("mean", "token"):
        raise ValueError(f"pooling must be 'mean' or 'token', not {pooling!r}")
    if dimensions is not None and not 1 <= dimensions <= DIMENSION:
        raise ValueError(f"dimensions must be None or 1 to {DIMENSION}")
    if sif is not None and not sif > 0:
        raise ValueError("sif must be None or above 0")
    if np.dtype(dtype) not in (np.float16, np.float32):
        raise ValueError("dtype must be float16 or float32")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")

    tokenizer = _copy_tokenizer(model)
    size = tokenizer.get_vocab_size()
    kept = distilled_ids(tokenizer.get_vocab())
    weight_of = np.zeros(size, dtype=np.float32)
    weight_of[kept] = sif_weights(len(kept), sif)
    chosen = kept if ids is None else np.intersect1d(kept, np.fromiter(ids, dtype=np.intp))
    if len(chosen) == 0:
        raise ValueError("no word piece to distil")

    pooled = np.empty((len(chosen), DIMENSION), dtype=np.float32)
    for start in range(0, len(chosen), batch_size):
        states = token_states(model, chosen[start : start + batch_size])
        pooled[start : start + len(states)] = (
            states.mean(axis=1) if pooling == "mean" else states[:, 1]
        )
    if dimensions is not None:
        pooled = _principal_components(pooled, min(dimensions, len(chosen)))

    vectors = np.zeros((size, pooled.shape[1]), dtype=dtype)
    vectors[chosen] = pooled
    weights = np.zeros(size, dtype=np.float32)
    weights[chosen] = weight_of[chosen]
    settings = {
        "format": FORMAT,
        "source": f"all-MiniLM-L6-v2, model.safetensors sha256 {minilm.WEIGHTS_SHA256}",
        "pooling": pooling,
        "dimensions": dimensions,
        "sif": sif,
        "distilled": len(chosen),
    }
    return StaticEmbeddings(tokenizer, vectors, weights, settings)


def _copy_tokenizer(model: MiniLM) -> Any:
    """MiniLM's tokenizer, as a copy this module may configure (no truncation at 128)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(model._tokenizer.to_str())
    _configure(tokenizer)
    return tokenizer


def _configure(tokenizer: Any) -> None:
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MAX_TOKENS)


class StaticEmbeddings:
    """Texts to unit-length vectors: the SIF-weighted mean of their word pieces' vectors."""

    def __init__(
        self,
        tokenizer: Any,
        vectors: np.ndarray,
        weights: np.ndarray,
        settings: dict[str, Any],
    ) -> None:
        """Takes a ``tokenizers.Tokenizer``, one row of ``vectors`` and one weight per id."""
        if vectors.ndim != 2 or weights.shape != (vectors.shape[0],):
            raise ValueError(f"vectors {vectors.shape} and weights {weights.shape} disagree")
        if vectors.shape[0] != tokenizer.get_vocab_size():
            raise ValueError(
                f"{vectors.shape[0]} vectors for a vocabulary of {tokenizer.get_vocab_size()}"
            )
        self._tokenizer = tokenizer
        self.vectors = vectors
        self.weights = weights
        self.settings = settings

    @property
    def dimension(self) -> int:
        """The length of a vector."""
        return int(self.vectors.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dimension)`` float32, each row of unit length (or zero).

        One text at a time through the tokenizer: its ``encode_batch`` would start a thread
        pool (components/minilm.py says why not).
        """
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            # Any text: Rasa keeps some payloads' text as sent, and UTF-8 holds no lone surrogate.
            valid = str(text).encode("utf-8", "replace").decode("utf-8")
            ids = self._tokenizer.encode(valid, add_special_tokens=False).ids
            if not ids:
                continue
            # The weighted sum, in float32. Folding the weights into a float32 copy of the
            # vectors would save 8 microseconds a message for 31 MB more memory (256 dims).
            vector = self.weights[ids] @ self.vectors[ids]
            norm = float(np.sqrt(vector @ vector))
            if norm > 1e-12:
                result[row] = vector / norm
        return result

    def save(self, directory: Path) -> None:
        """Writes the vectors, the weights, the tokenizer and the settings into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / VECTORS, self.vectors, allow_pickle=False)
        np.save(directory / WEIGHTS, self.weights, allow_pickle=False)
        (directory / TOKENIZER).write_text(self._tokenizer.to_str(), encoding="utf-8")
        (directory / SETTINGS).write_text(json.dumps(self.settings, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> StaticEmbeddings:
        """What ``save`` wrote. Raises ``FileNotFoundError`` or ``ValueError`` if it is not that."""
        from tokenizers import Tokenizer

        settings = json.loads((directory / SETTINGS).read_text(encoding="utf-8"))
        if settings.get("format") != FORMAT:
            raise ValueError(f"{directory}: format {settings.get('format')!r}, not {FORMAT}")
        vectors = np.load(directory / VECTORS, allow_pickle=False)
        weights = np.load(directory / WEIGHTS, allow_pickle=False)
        if vectors.dtype not in (np.float16, np.float32) or weights.dtype != np.float32:
            raise ValueError(f"{directory}: arrays of {vectors.dtype} and {weights.dtype}")
        tokenizer = Tokenizer.from_file(str(directory / TOKENIZER))
        _configure(tokenizer)
        return cls(tokenizer, vectors, weights, settings)
