"""Do sentence embeddings cluster short answers better than the light pipeline? Measured.

    /path/to/venv-with-requirements-embeddings/bin/python bench/embeddings.py \
        [--sets agnews,biomedical] [--weight 0.5] [--cache /tmp/consult-embeddings]

For each labelled short-text set in ../shared/data/shorttext/ (read where it lies), NMI
and accuracy against the labels, with k fixed to the true number and with "auto", of:

- `pipeline`: the light pipeline as the app runs it (`analysis.themes.themes`);
- `embeddings`: unit-length MiniLM embeddings (`analysis.embeddings.embed`) clustered by
  k-means (spherical, as the vectors are unit length); "auto" picks k with the pipeline's
  own rule (`choose_k`, the elbow, within `theme_bounds`);
- `combined`: [LSA of stemmed TF-IDF, embeddings] weighted by `--weight` and normalised
  (`analysis.embeddings.combine`), clustered the same way;
- `embeddings+EM` and `combined+EM`: the same k-means partitions refined by the pipeline's
  EM rounds on word counts, as the pipeline refines its own;

beside the TF-IDF + k-means baseline with the true k (the one `bench/analysis.py` uses).
The embedding time is reported per 10,000 answers with the load average around it (the
server is shared); embeddings are cached under --cache (never in the repository), keyed
by a hash of the texts, so reruns skip the encoder. Prints a table, the decision rule of
issue 13 (embeddings ship as an option if alone or combined they beat the pipeline by at
least 5 NMI points on average at fixed k), and last one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The data readers and the baseline are bench/analysis.py's (loaded by path: its module
# name would clash with the `analysis` package).
_spec = importlib.util.spec_from_file_location("bench_analysis", ROOT / "bench" / "analysis.py")
assert _spec is not None and _spec.loader is not None
bench_analysis = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_analysis)

SETS = bench_analysis.SETS
VARIANTS = ("pipeline", "embeddings", "combined", "embeddings+EM", "combined+EM")


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages (the machine is shared: timings need them)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def content_stems(texts: list[str]) -> list[list[str]]:
    """Content-word stems of each text: what the light pipeline clusters."""
    from analysis.text import Stemmer, is_content_word, tokenise

    stemmer = Stemmer()
    return [[stemmer.stem(t) for t in tokenise(text) if is_content_word(t)] for text in texts]


def cached_embeddings(
    name: str, texts: list[str], cache: Path, batch_size: int, threads: int = 2
) -> dict:
    """Embeddings of `texts` (from the cache when there) and how long encoding took."""
    from analysis.embeddings import embed

    digest = hashlib.sha256("\x1e".join(texts).encode()).hexdigest()[:16]
    path = cache / f"{name}-{digest}.npy"
    timing_path = path.with_suffix(".json")
    if path.exists() and timing_path.exists():
        timing = json.loads(timing_path.read_text())
        return {"vectors": np.load(path), **timing, "from_cache": True}
    import torch

    torch.set_num_threads(threads)
    embed(["warm the model up"])  # loading is timed apart from encoding
    before = loadavg()
    start, cpu_start = time.perf_counter(), time.process_time()
    vectors = embed(texts, batch_size=batch_size)
    seconds = time.perf_counter() - start
    timing = {
        "embed_seconds": round(seconds, 1),
        "embed_cpu_seconds": round(time.process_time() - cpu_start, 1),
        "seconds_per_10k": round(seconds * 10_000 / len(texts), 1),
        "loadavg_before": before,
        "loadavg_after": loadavg(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "torch_threads": torch.get_num_threads(),
        "batch_size": batch_size,
    }
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    timing_path.write_text(json.dumps(timing))
    return {"vectors": vectors, **timing, "from_cache": False}


def kmeans(vectors: np.ndarray, k: int) -> np.ndarray:
    """k-means as the pipeline runs it on a corpus of this size (4 starts above 5,000)."""
    runs = 10 if vectors.shape[0] <= 5000 else 4
    return KMeans(n_clusters=k, n_init=runs, random_state=0).fit_predict(vectors)


def refine(counts, labels: np.ndarray, k: int) -> np.ndarray | None:
    """The pipeline's EM rounds on word counts, started from `labels` (None if absent)."""
    try:
        from analysis.themes import _refine_mixture
    except ImportError:
        return None
    posterior, _ = _refine_mixture(counts, labels, k, np.ones(len(labels)))
    return posterior.argmax(axis=1)


def score(truth: list[str], found) -> dict:
    found = [int(x) for x in found]
    return {
        "nmi": round(100 * normalized_mutual_info_score(truth, found), 1),
        "acc": round(100 * bench_analysis.accuracy(truth, found), 1),
        "k": len(set(found)),
    }


def bench_set(name: str, cache: Path, weight: float, batch_size: int, threads: int) -> dict:
    from analysis.embeddings import combine
    from analysis.themes import choose_k, cluster_texts, theme_bounds, themes

    ids, truth, texts = bench_analysis.read_set(name)
    k_true = len(set(truth))
    row: dict = {"set": name, "rows": len(texts), "k_true": k_true}
    encoded = cached_embeddings(name, texts, cache, batch_size, threads)
    embeddings = encoded.pop("vectors")
    row["embedding"] = encoded
    row["baseline"] = score(truth, bench_analysis.baseline(texts, k_true))
    stems = content_stems(texts)
    with threadpool_limits(limits=1):  # as the pipeline runs: one thread, shared server
        core = cluster_texts(stems, n_themes=k_true, random_state=0)
        lsa, counts = core.features.vectors, core.features.counts
        spaces = {"embeddings": embeddings, "combined": combine(lsa, embeddings, weight=weight)}
        k_min, k_max = theme_bounds(len(texts))
        for mode in ("fixed", "auto"):
            start = time.perf_counter()
            result = themes(texts, ids, n_themes=k_true if mode == "fixed" else "auto")
            row[f"pipeline_{mode}"] = score(truth, [a.theme for a in result.assignments])
            row[f"pipeline_{mode}"]["seconds"] = round(time.perf_counter() - start, 1)
            for space, vectors in spaces.items():
                k = k_true
                if mode == "auto":
                    k = choose_k(vectors, k_min=k_min, k_max=k_max, random_state=0)
                start = time.perf_counter()
                labels = kmeans(vectors, k)
                row[f"{space}_{mode}"] = score(truth, labels)
                row[f"{space}_{mode}"]["seconds"] = round(time.perf_counter() - start, 1)
                refined = refine(counts, labels, k)
                if refined is not None:
                    row[f"{space}+EM_{mode}"] = score(truth, refined)
    return row


def print_row(row: dict) -> None:
    e = row["embedding"]
    cells = [f"{row['set']:<15}{row['k_true']:>3} | base {row['baseline']['nmi']:>5}"]
    for mode in ("fixed", "auto"):
        parts = []
        for variant in VARIANTS:
            figures = row.get(f"{variant}_{mode}")
            if figures is not None:
                k = f"(k{figures['k']})" if mode == "auto" else ""
                parts.append(f"{variant} {figures['nmi']}{k}")
        cells.append(f"{mode}: " + ", ".join(parts))
    cells.append(
        f"embed {e['seconds_per_10k']} s/10k (load {e['loadavg_before']} -> "
        f"{e['loadavg_after']}{', cached' if e['from_cache'] else ''})"
    )
    print(" | ".join(cells), flush=True)


def summary(rows: list[dict]) -> dict:
    """Mean NMI per variant and mode, and the issue's decision at fixed k."""
    means: dict = {}
    for mode in ("fixed", "auto"):
        for variant in (*VARIANTS, "baseline"):
            key = "baseline" if variant == "baseline" else f"{variant}_{mode}"
            if variant == "baseline" and mode == "auto":
                continue
            values = [row[key]["nmi"] for row in rows if key in row]
            if len(values) == len(rows):
                means[key] = round(float(np.mean(values)), 1)
    pipeline = means["pipeline_fixed"]
    gains = {
        variant: round(means[f"{variant}_fixed"] - pipeline, 1)
        for variant in VARIANTS[1:]
        if f"{variant}_fixed" in means
    }
    best = max(gains, key=gains.get)
    return {
        "mean_nmi": means,
        "gain_over_pipeline_fixed": gains,
        "best_variant": best,
        "ship_as_option": gains[best] >= 5.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--weight", type=float, default=0.5, help="embeddings' weight")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/consult-embeddings"))
    parser.add_argument("--threads", type=int, default=2, help="torch threads for encoding")
    parser.add_argument(
        "--embed-only", action="store_true", help="only fill the cache (and time the encoder)"
    )
    arguments = parser.parse_args()
    if ROOT in arguments.cache.resolve().parents:
        parser.error("the cache must live outside the repository")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    names = [s for s in arguments.sets.split(",") if s]
    if arguments.embed_only:
        for name in names:
            texts = bench_analysis.read_set(name)[2]
            encoded = cached_embeddings(
                name, texts, arguments.cache, arguments.batch_size, arguments.threads
            )
            encoded.pop("vectors")
            print(name, json.dumps(encoded), flush=True)
        return
    rows = []
    for name in names:
        row = bench_set(
            name, arguments.cache, arguments.weight, arguments.batch_size, arguments.threads
        )
        rows.append(row)
        print_row(row)
    figures = {"date": time.strftime("%Y-%m-%d"), "weight": arguments.weight, "sets": rows}
    figures["summary"] = summary(rows)
    print(f"Mean NMI: {figures['summary']['mean_nmi']}")
    print(
        f"Gain over the pipeline at fixed k: {figures['summary']['gain_over_pipeline_fixed']}"
        f" -> ship as an option: {figures['summary']['ship_as_option']}"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
