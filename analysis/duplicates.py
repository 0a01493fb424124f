"""Duplicate answers and organised campaigns (the `analysis/` library: pure, no app imports).

Three kinds of group, each answer in at most one:

- ``exact``: the same text once case, whitespace and punctuation are normalised away;
- ``near``: texts whose character 4-gram sets overlap by at least ``near_threshold``
  (Jaccard), e.g. the same answer pasted with a typo or a changed word;
- ``campaign``: at least ``min_campaign_size`` answers that share a template with small
  edits (a name, a street, an added sentence): Jaccard of at least
  ``CAMPAIGN_SIMILARITY`` to the group's representative, and a template long enough
  not to be a generic reply.

Near-duplicate search is sub-quadratic: MinHash signatures of the 4-gram sets, computed
with vectorised numpy over all texts at once, and LSH banding to propose candidate
pairs; every candidate is then checked with the exact Jaccard similarity. Groups are
grown around a representative (every member must be similar to it, not merely to some
other member), so short generic answers cannot chain unrelated texts together. Answers
shorter than ``MIN_NEAR_CHARACTERS`` only ever form exact groups. Everything is
deterministic (fixed hash seeds).
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

SHINGLE = 4  # characters per shingle
MIN_NEAR_CHARACTERS = 20  # normalised length below which only exact matches count
CAMPAIGN_SIMILARITY = 0.5  # Jaccard to the representative for campaign membership
CAMPAIGN_MIN_WORDS = 6  # a campaign template has at least this many words
BANDS, ROWS = 24, 3  # LSH: candidate when all ROWS hashes of any band agree
_SEED = 20240605
_SMALL_BUCKET = 20  # buckets up to this size propose every pair; larger ones a chain
_PAIR_CHUNK = 50_000
_COLUMN_BITS = 28


@dataclass(frozen=True)
class DuplicateGroup:
    """Answers that are copies, near-copies or one campaign's variants.

    ``ids`` are in input order; ``count`` is their number; ``representative_id`` is the
    answer that best stands for the group (the most repeated or most central text).
    """

    ids: tuple[str, ...]
    kind: str  # "exact" | "near" | "campaign"
    count: int
    representative_id: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "ids": list(self.ids),
            "kind": self.kind,
            "count": self.count,
            "representative_id": self.representative_id,
        }


_APOSTROPHES = ("'", "\u2019", "\u2018", "`")
_NOT_WORD = re.compile(r"[^\w\s]|_")


def normalise(text: str) -> str:
    """Lower case, no punctuation, single spaces: the key for exact duplicates."""
    return " ".join(_strip_marks(text).split())


def _normalise_all(texts: list[str]) -> list[str]:
    """`normalise` for many texts at once: one pass over them joined by newlines."""
    joined = "\n".join(text.replace("\n", " ").replace("\r", " ") for text in texts)
    pieces = _strip_marks(joined).split("\n")
    if len(pieces) != len(texts):  # a character that normalises to a newline; be safe
        return [normalise(text) for text in texts]
    return [" ".join(piece.split()) for piece in pieces]


def _strip_marks(text: str) -> str:
    """NFKC, case-folded, apostrophes dropped, other punctuation to spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    for apostrophe in _APOSTROPHES:
        text = text.replace(apostrophe, "")
    return _NOT_WORD.sub(" ", text)


def find_duplicates(
    texts: Sequence[str],
    ids: Sequence[str] | None = None,
    *,
    near_threshold: float = 0.8,
    min_campaign_size: int = 5,
) -> list[DuplicateGroup]:
    """Exact duplicates, near-duplicates and campaigns among ``texts``.

    ``ids`` default to the row numbers as strings. Every id is in at most one group;
    answers without a copy are not returned, nor are empty ones. Groups come largest
    first. Raises ValueError when ``ids`` and ``texts`` differ in length or ids repeat.
    """
    # Many small objects and no cycles: pausing the cyclic collector saves seconds.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _find_duplicates(texts, ids, near_threshold, min_campaign_size)
    finally:
        if paused:
            gc.enable()


def _find_duplicates(
    texts: Sequence[str],
    ids: Sequence[str] | None,
    near_threshold: float,
    min_campaign_size: int,
) -> list[DuplicateGroup]:
    if ids is None:
        ids = [str(index) for index in range(len(texts))]
    if len(ids) != len(texts):
        raise ValueError(f"got {len(texts)} texts but {len(ids)} ids")
    if len(set(ids)) != len(ids):
        raise ValueError("ids must be unique")
    if not 0 < near_threshold <= 1:
        raise ValueError("near_threshold must be in (0, 1]")
    min_campaign_size = max(2, int(min_campaign_size))

    # Exact duplicates: one entry per distinct normalised text, with its rows.
    raw_rows: dict[str, list[int]] = {}
    for row, text in enumerate(texts):
        raw_rows.setdefault(text if isinstance(text, str) else "", []).append(row)
    rows_of: dict[str, list[int]] = {}
    for key, rows in zip(_normalise_all(list(raw_rows)), raw_rows.values(), strict=True):
        if key:
            rows_of.setdefault(key, []).extend(rows)
    for rows in rows_of.values():
        rows.sort()
    keys = list(rows_of)
    copies = np.array([len(rows_of[key]) for key in keys], dtype=np.int64)

    eligible = np.array([len(key) >= MIN_NEAR_CHARACTERS for key in keys], dtype=bool)
    clusters = _similar_clusters(
        [keys[i] for i in np.flatnonzero(eligible)],
        copies[eligible],
        near_threshold=near_threshold,
        min_campaign_size=min_campaign_size,
    )
    eligible_index = np.flatnonzero(eligible)

    groups: list[DuplicateGroup] = []
    grouped = np.zeros(len(keys), dtype=bool)
    for members, representative, kind in clusters:
        members = eligible_index[members]
        representative = int(eligible_index[representative])
        grouped[members] = True
        rows = sorted(row for member in members for row in rows_of[keys[member]])
        groups.append(
            DuplicateGroup(
                ids=tuple(ids[row] for row in rows),
                kind=kind,
                count=len(rows),
                representative_id=ids[rows_of[keys[representative]][0]],
            )
        )
    for index in np.flatnonzero(~grouped & (copies >= 2)):
        key = keys[index]
        rows = rows_of[key]
        campaign = len(rows) >= min_campaign_size and len(key.split()) >= CAMPAIGN_MIN_WORDS
        groups.append(
            DuplicateGroup(
                ids=tuple(ids[row] for row in rows),
                kind="campaign" if campaign else "exact",
                count=len(rows),
                representative_id=ids[rows[0]],
            )
        )
    position = {identifier: row for row, identifier in enumerate(ids)}
    groups.sort(key=lambda group: (-group.count, position[group.ids[0]]))
    return groups


# --- near-duplicate search ----------------------------------------------------------------


def _shingle_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every character SHINGLE-gram, and the index of the text each is from.

    Vectorised over all texts at once: the texts are laid end to end as code points, a
    polynomial hash is taken over each window, and windows crossing a text boundary are
    dropped. Every text here has at least SHINGLE characters.
    """
    lengths = np.fromiter((len(text) for text in texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    windows = len(codes) - SHINGLE + 1
    hashes = np.zeros(max(windows, 0), dtype=np.uint64)
    for offset in range(SHINGLE):
        hashes = hashes * np.uint64(1_000_003) + codes[offset : offset + windows]
    # Drop the windows that start in a text's last SHINGLE - 1 characters.
    valid = np.ones(len(hashes), dtype=bool)
    ends = starts + lengths
    for back in range(1, SHINGLE):
        crossing = ends - back
        valid[crossing[crossing < len(hashes)]] = False
    owner = np.repeat(np.arange(len(texts)), lengths - SHINGLE + 1)
    return _mix(hashes[valid]), owner


def _mix(values: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (splitmix64 style) so nearby inputs give unrelated hashes."""
    values = values.copy()
    values ^= values >> np.uint64(30)
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    values ^= values >> np.uint64(31)
    return values


def _minhash(hashes: np.ndarray, segment_starts: np.ndarray, n_hashes: int) -> np.ndarray:
    """MinHash signatures (texts x n_hashes) from each text's contiguous shingle hashes."""
    rng = np.random.default_rng(_SEED)
    multipliers = rng.integers(1, 2**63, size=n_hashes, dtype=np.uint64) | np.uint64(1)
    offsets = rng.integers(0, 2**63, size=n_hashes, dtype=np.uint64)
    signatures = np.empty((len(segment_starts), n_hashes), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for j in range(n_hashes):
            # Multiply-add-shift: a random 64-bit universal hash down to 32 bits.
            permuted = ((hashes * multipliers[j] + offsets[j]) >> np.uint64(32)).astype(np.uint32)
            signatures[:, j] = np.minimum.reduceat(permuted, segment_starts)
    return signatures


def _candidate_pairs(signatures: np.ndarray) -> np.ndarray:
    """Pairs (i < j) that share all ROWS hashes of at least one band."""
    n = len(signatures)
    pairs: list[np.ndarray] = []
    mixers = _mix(np.arange(1, ROWS + 1, dtype=np.uint64))
    for band in range(BANDS):
        block = signatures[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
        with np.errstate(over="ignore"):
            keys = _mix(block @ mixers)  # one 64-bit key per band (wrapping arithmetic)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        boundaries = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
        starts = np.concatenate(([0], boundaries))
        ends = np.concatenate((boundaries, [n]))
        sizes = ends - starts
        # Consecutive members of every bucket (a chain), plus all pairs in small buckets.
        same = np.ones(n, dtype=bool)
        same[starts] = False
        chain = np.flatnonzero(same)
        pairs.append(np.stack((order[chain - 1], order[chain]), axis=1))
        small = (sizes > 2) & (sizes <= _SMALL_BUCKET)
        for size in np.unique(sizes[small]).tolist():
            bucket_starts = starts[small & (sizes == size)]
            members = order[bucket_starts[:, None] + np.arange(size)[None, :]]
            first, second = np.triu_indices(size, k=2)
            pairs.append(np.stack((members[:, first].ravel(), members[:, second].ravel()), axis=1))
        large = sizes > _SMALL_BUCKET
        for start, size in zip(starts[large], sizes[large], strict=True):
            members = order[start : start + size]
            pairs.append(np.stack((np.full(size - 1, members[0]), members[1:]), axis=1))
    if not pairs:
        return np.empty((0, 2), dtype=np.int64)
    found = np.concatenate(pairs).astype(np.int64)
    found.sort(axis=1)
    codes = np.unique(found[:, 0] * n + found[:, 1])
    return np.stack((codes // n, codes % n), axis=1)


class _ShingleSets:
    """Binary texts x shingles matrix for exact Jaccard similarities."""

    def __init__(self, hashes: np.ndarray, owner: np.ndarray, n_texts: int) -> None:
        from scipy.sparse import csr_matrix

        # 28 bits of the shingle hash as its column: a false match between two given
        # texts' shingles has odds of about 1 in 4 million per pair of shingles.
        columns = (hashes >> np.uint64(64 - _COLUMN_BITS)).astype(np.int64)
        matrix = csr_matrix(
            (np.ones(len(columns), dtype=np.float32), (owner, columns)),
            shape=(n_texts, 1 << _COLUMN_BITS),
        )
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        self.matrix = matrix
        self.sizes = np.diff(matrix.indptr).astype(np.float64)

    def pair_similarity(self, pairs: np.ndarray) -> np.ndarray:
        result = np.empty(len(pairs))
        for start in range(0, len(pairs), _PAIR_CHUNK):
            chunk = pairs[start : start + _PAIR_CHUNK]
            left, right = self.matrix[chunk[:, 0]], self.matrix[chunk[:, 1]]
            overlap = np.asarray(left.multiply(right).sum(axis=1)).ravel()
            union = self.sizes[chunk[:, 0]] + self.sizes[chunk[:, 1]] - overlap
            result[start : start + len(chunk)] = overlap / np.maximum(union, 1.0)
        return result

    def similarity_to(self, index: int, others: np.ndarray) -> np.ndarray:
        indptr, indices = self.matrix.indptr, self.matrix.indices
        mine = indices[indptr[index] : indptr[index + 1]]
        lengths = indptr[others + 1] - indptr[others]
        offsets = np.repeat(indptr[others] - np.cumsum(lengths) + lengths, lengths)
        theirs = indices[offsets + np.arange(lengths.sum())]
        hits = np.isin(theirs, mine).astype(np.float64)
        owner = np.repeat(np.arange(len(others)), lengths)
        overlap = np.bincount(owner, weights=hits, minlength=len(others))
        union = self.sizes[others] + self.sizes[index] - overlap
        return overlap / np.maximum(union, 1.0)


def _similar_clusters(
    texts: list[str],
    copies: np.ndarray,
    *,
    near_threshold: float,
    min_campaign_size: int,
) -> list[tuple[np.ndarray, int, str]]:
    """Near and campaign clusters among distinct texts: (members, representative, kind)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(texts)
    if n < 2:
        return []
    hashes, owner = _shingle_hashes(texts)
    segment_starts = np.concatenate(([0], np.flatnonzero(np.diff(owner)) + 1))
    signatures = _minhash(hashes, segment_starts, BANDS * ROWS)
    sets = _ShingleSets(hashes, owner, n)
    del hashes, owner

    loosest = min(CAMPAIGN_SIMILARITY, near_threshold)
    pairs = _candidate_pairs(signatures)
    if len(pairs) == 0:
        return []
    pairs = pairs[sets.pair_similarity(pairs) >= loosest]
    if len(pairs) == 0:
        return []
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n)).tocsr()
    graph = graph + graph.T
    degree = np.diff(graph.indptr)
    _, component = connected_components(graph, directed=False)
    order = np.argsort(component, kind="stable")
    bounds = np.flatnonzero(np.diff(component[order])) + 1

    results: list[tuple[np.ndarray, int, str]] = []
    for members in np.split(order, bounds):
        if len(members) < 2:
            continue
        for cluster, representative in _peel(members, loosest, sets, signatures, copies, degree):
            total = int(copies[cluster].sum())
            words = len(texts[representative].split())
            if total >= min_campaign_size and words >= CAMPAIGN_MIN_WORDS:
                results.append((cluster, representative, "campaign"))
                continue
            # Not a campaign: keep only the truly near ones, around their own centres.
            for near, near_rep in _peel(cluster, near_threshold, sets, signatures, copies, degree):
                results.append((near, near_rep, "near"))
    return results


def _representative(
    members: np.ndarray, signatures: np.ndarray, copies: np.ndarray, degree: np.ndarray
) -> int:
    """The member that best stands for the rest: most copies, then most central."""
    if len(members) <= 2:
        best = max(members.tolist(), key=lambda m: (copies[m], degree[m], -m))
        return int(best)
    block = signatures[members]
    if len(members) <= 64:
        agreement = (block[:, None, :] == block[None, :, :]).mean(axis=2)
        centrality = agreement @ copies[members]
    else:
        modes = np.empty(block.shape[1], dtype=block.dtype)
        for j in range(block.shape[1]):
            values, counts = np.unique(block[:, j], return_counts=True)
            modes[j] = values[np.argmax(counts)]
        centrality = (block == modes[None, :]).mean(axis=1)
    ranking = np.lexsort((-members, degree[members], copies[members], np.round(centrality, 6)))
    return int(members[ranking[-1]])


def _peel(
    members: np.ndarray,
    threshold: float,
    sets: _ShingleSets,
    signatures: np.ndarray,
    copies: np.ndarray,
    degree: np.ndarray,
) -> list[tuple[np.ndarray, int]]:
    """Split members into clusters where everyone is within threshold of the centre."""
    clusters: list[tuple[np.ndarray, int]] = []
    remaining = np.sort(members)
    while len(remaining) >= 2:
        representative = _representative(remaining, signatures, copies, degree)
        similarity = sets.similarity_to(representative, remaining)
        close = (similarity >= threshold) | (remaining == representative)
        if close.sum() >= 2:
            clusters.append((remaining[close], representative))
            remaining = remaining[~close]
        else:
            remaining = remaining[remaining != representative]
    return clusters
