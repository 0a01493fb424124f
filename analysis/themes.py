"""Themes for free-text answers to one question: the theme engine of `analysis/`.

Method (measured on the short-text benchmarks, see `analysis/README.md`): stemmed TF-IDF
with sublinear term frequency → LSA (truncated SVD, up to 200 dimensions) → unit-length
k-means, refined by a few EM rounds of a multinomial mixture on word counts. The number
of themes is the elbow of the k-means inertia curve, capped by a ceiling that grows
slowly with the corpus (`top_level_ceiling`), unless an officer fixes it. Each theme
large enough is split into sub-themes in a space of its own answers (`_split_theme`), so
the result is a two-level tree: a short list to read first, the finer points inside.

Large corpora (100,000 answers in well under a minute on two cores): the SVD is learnt on
a 25,000-answer sample with 100 dimensions above 50,000 answers, k-means runs on a
30,000-answer sample and every answer takes its nearest centre, the EM rounds use every
answer; text preparation and labels work once per distinct token, not once per token.

Around the clustering: answers with nothing to say go to an explicit "no substantive
comment" group; duplicates and organised campaigns (`analysis.duplicates`) are clustered
once, weighted by the number of people who sent them; each theme and sub-theme gets a
title in the answers' own words and a cited one-sentence description (`analysis.titles`),
key phrases (`analysis.labels`), a cited extractive summary and quotes
(`analysis.summaries`) and a sentiment summary (`analysis.sentiment`). The live idea
board's fast path is `analysis.ideas.cluster_ideas`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any, Literal

import numpy as np
from threadpoolctl import threadpool_limits

from analysis.clustering import (  # noqa: F401  (re-exported: analysis.ideas, bench/)
    _Clusters,
    _Features,
    _features,
    _refine_mixture,
    choose_k,
    cluster_texts,
    count_dmm_clusters,
    theme_bounds,
)
from analysis.labels import PhraseIndex
from analysis.language import WELSH, detect_all
from analysis.summaries import Quote, SummarySentence, pick_quotes, summarise, text_key
from analysis.text import (
    Stemmer,
    detect_phrases,
    is_content_word,
    is_no_comment_tokens,
    sentence_splitter,
    stop_words_for,
    tokenise,
)
from analysis.titles import TitleSpans, choose_description, make_title
from analysis.tree import (  # noqa: F401  (re-exported)
    MIN_SPLIT,
    MIN_SPLIT_DISTINCT,
    MIN_SUBTHEME_SHARE,
    SUBTHEME_TITLE_ANSWERS,
    TITLE_ANSWERS,
    _keyphrases,
    _split_theme,
    _stems_of,
    _ward_cut,
    _ward_elbow,
    top_level_ceiling,
)

__all__ = [
    "NO_COMMENT_LABEL",
    "NO_COMMENT_THEME",
    "Assignment",
    "ProgressCallback",
    "Quote",
    "SummarySentence",
    "Theme",
    "ThemeResult",
    "choose_k",
    "cluster_texts",
    "themes",
    "top_level_ceiling",
]

#: Called with the fraction done (0..1) and what is happening, for a progress bar.
ProgressCallback = Callable[[float, str], None]

#: Theme id of the "no substantive comment" group (real themes are numbered from 1).
NO_COMMENT_THEME = 0
NO_COMMENT_LABEL = "No substantive comment"


@dataclass(frozen=True)
class Theme:
    """One theme or sub-theme: who raised it, its title, what it says, how it feels.

    `title` is a heading in the answers' own words (`analysis.titles`); `label` is the
    same (kept for older readers). `description` is one cited sentence from the answers.
    A top-level theme holds its `subthemes` (empty when it has none); a sub-theme has
    its theme's id as `parent`. Ids are unique across the tree.
    """

    id: int
    title: str
    description: SummarySentence | None
    keyphrases: tuple[str, ...]
    response_ids: tuple[str, ...]
    size: int
    share: float
    sentiment: dict[str, float]
    summary: tuple[SummarySentence, ...]
    quotes: tuple[Quote, ...]
    subthemes: tuple[Theme, ...] = ()
    parent: int | None = None
    language: str = "en"  # "cy": a theme of answers in Welsh (never mixed with English)

    @property
    def label(self) -> str:
        """The title (the name older readers use)."""
        return self.title

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "label": self.title,
            "description": self.description.sentence if self.description else "",
            "description_response_ids": (
                list(self.description.response_ids) if self.description else []
            ),
            "keyphrases": list(self.keyphrases),
            "size": self.size,
            "share": self.share,
            "sentiment": dict(self.sentiment),
            "summary": [sentence.as_dict() for sentence in self.summary],
            "quotes": [quote.as_dict() for quote in self.quotes],
            "response_ids": list(self.response_ids),
            "parent": self.parent,
            "subthemes": [sub.as_dict() for sub in self.subthemes],
            "language": self.language,
        }


@dataclass(frozen=True)
class Assignment:
    """An answer's main theme (0 = no substantive comment), its sub-theme, and any other
    themes it raises. `subtheme` is None (shown as the theme's id) when the theme has no
    sub-themes. `language` is the answer's ("cy", "en" or "unknown": `analysis.language`)."""

    id: str
    theme: int
    confidence: float
    other_themes: tuple[tuple[int, float], ...] = ()
    sentiment: float = 0.0
    subtheme: int | None = None
    language: str = "en"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "theme": self.theme,
            "subtheme": self.theme if self.subtheme is None else self.subtheme,
            "confidence": self.confidence,
            "other_themes": [{"theme": t, "confidence": c} for t, c in self.other_themes],
            "sentiment": self.sentiment,
            "language": self.language,
        }


@dataclass(frozen=True)
class ThemeResult:
    """Everything `themes()` found; `as_dict()` is the JSON the CLI prints."""

    themes: tuple[Theme, ...]
    assignments: tuple[Assignment, ...]
    duplicates: tuple[Any, ...]  # analysis.duplicates.DuplicateGroup
    no_comment_ids: tuple[str, ...]
    n_themes_chosen: int
    sentiment: dict[str, float] = field(default_factory=dict)
    backend: str = "light"  # what represented the answers: "light" or "embeddings"

    def theme_of(self) -> dict[str, int]:
        """Map answer id → main theme id."""
        return {assignment.id: assignment.theme for assignment in self.assignments}

    def subtheme_of(self) -> dict[str, int]:
        """Map answer id → sub-theme id (the theme's id where it has no sub-themes)."""
        return {a.id: a.theme if a.subtheme is None else a.subtheme for a in self.assignments}

    def as_dict(self) -> dict[str, Any]:
        total = max(1, len(self.assignments))
        return {
            "themes": [theme.as_dict() for theme in self.themes],
            "no_comment": {
                "id": NO_COMMENT_THEME,
                "title": NO_COMMENT_LABEL,
                "label": NO_COMMENT_LABEL,
                "size": len(self.no_comment_ids),
                "share": round(len(self.no_comment_ids) / total, 4),
                "response_ids": list(self.no_comment_ids),
            },
            "assignments": [assignment.as_dict() for assignment in self.assignments],
            "duplicates": [_duplicate_dict(group) for group in self.duplicates],
            "sentiment": dict(self.sentiment),
            "n_themes": len(self.themes),
            "n_subthemes": sum(len(theme.subthemes) for theme in self.themes),
            "backend": self.backend,
            "languages": dict(Counter(assignment.language for assignment in self.assignments)),
        }


def _duplicate_dict(group: Any) -> dict[str, Any]:
    data = group.as_dict() if hasattr(group, "as_dict") else dict(group)
    return {
        "ids": list(data["ids"]),
        "kind": data["kind"],
        "count": data["count"],
        "representative_id": data.get("representative_id"),
    }


# --------------------------------------------------------------------------- themes()


@dataclass
class _Prepared:
    tokens: list[list[str]]
    stems: list[list[str]]  # stems of every token (stop words too), for phrases
    content: list[list[str]]  # content stems, for clustering


def _prepare(
    texts: Sequence[str], stemmer: Stemmer, tokens: list[list[str]] | None = None
) -> _Prepared:
    tokens = [tokenise(text) for text in texts] if tokens is None else tokens
    stems = stemmer.stem_lists(tokens)
    # Content stems: decide once per distinct token (a dictionary look-up per token after).
    stop_words = stemmer.stop_words
    content_stem: dict[str, str | None] = {
        word: stemmer.stem(word) if is_content_word(word, stop_words) else None
        for word in dict.fromkeys(chain.from_iterable(tokens))
    }
    lookup = content_stem.__getitem__
    content = [[stem for stem in map(lookup, words) if stem is not None] for words in tokens]
    return _Prepared(tokens, stems, content)


def _stable_sample(n: int, limit: int) -> list[int]:
    if n <= limit:
        return list(range(n))
    return list(np.linspace(0, n - 1, limit).astype(int))


def _duplicate_groups(texts: list[str], ids: list[str]) -> list[Any]:
    from analysis.duplicates import find_duplicates

    return list(find_duplicates(texts, ids))


def themes(
    texts: Sequence[str],
    ids: Sequence[str | int] | None = None,
    *,
    n_themes: int | Literal["auto"] = "auto",
    random_state: int = 0,
    secondary_threshold: float = 0.25,
    summary_sentences: int = 3,
    n_quotes: int = 3,
    max_themes: int = 30,
    detect_duplicates: bool = True,
    progress: ProgressCallback | None = None,
    subthemes: bool = True,
    max_subthemes: int = 40,
    backend: Literal["light", "embeddings"] = "light",
) -> ThemeResult:
    """Cluster the answers to one question into a tree of themes and sub-themes, each with
    a title, a cited description, key phrases, a summary, quotes and sentiment.

    `texts` are the answers; `ids` their ids (default: row numbers "0", "1", ...; ids are
    returned as strings). `n_themes` is the number of top-level themes: "auto" (the
    elbow, between 2 and `max_themes`, capped by `top_level_ceiling`, fewer for small
    corpora) or a number an officer fixed. With `subthemes` each theme of 40 answers or
    more is split into sub-themes (at most `max_subthemes`, none when its answers do not
    separate); ids run 1..k for themes, then on through the sub-themes. An answer's
    `confidence` blends the mixture's posterior with its main theme's share of the
    answer's words; its `other_themes` are further themes explaining at least
    `secondary_threshold` of its words (with that share). Empty or non-committal answers
    get theme 0 (`NO_COMMENT_THEME`). `progress(fraction, message)` is called as the
    work advances. Same input and `random_state` give the same result.
    `backend="embeddings"` adds sentence embeddings to what the top level is clustered on
    (`analysis.embeddings`, optional packages in requirements-embeddings.txt; about 6 NMI
    points better on average in docs/analysis-embeddings.md, and far slower); where those
    packages are not installed it says so through `progress` and uses the light pipeline,
    and `ThemeResult.backend` says which ran.
    Each answer's language is detected (`analysis.language`: "cy", "en" or "unknown",
    in `Assignment.language`); answers in Welsh are themed apart from the others, never
    mixed into English themes (`analysis.bilingual`): themes of their own, or one theme
    "Answers in Welsh" when there are few, with `Theme.language == "cy"`.
    Raises ValueError when `ids` and `texts` differ in length or ids repeat, or for an
    unknown `backend`.
    """
    # One BLAS/OpenMP thread: measured on the shared 2-core server, threads spinning
    # against other processes made the SVD and k-means two to five times slower; with one
    # thread the result also does not depend on how many cores the machine has.
    texts = ["" if text is None else str(text) for text in texts]
    ids = _checked_ids(texts, ids, n_themes)
    options: dict[str, Any] = {
        "random_state": random_state,
        "secondary_threshold": secondary_threshold,
        "summary_sentences": summary_sentences,
        "n_quotes": n_quotes,
        "max_themes": max_themes,
        "detect_duplicates": detect_duplicates,
        "subthemes": subthemes,
        "max_subthemes": max_subthemes,
        "backend": backend,
    }
    languages = detect_all(texts)
    with threadpool_limits(limits=1):
        if WELSH not in languages:
            return _themes(
                texts,
                ids,
                n_themes=n_themes,
                progress=progress,
                answer_languages=languages,
                **options,
            )
        from analysis.bilingual import themes_by_language

        return themes_by_language(
            texts,
            ids,
            languages,
            n_themes=n_themes,
            progress=progress or (lambda fraction, message: None),
            run=lambda *args, **kwargs: _themes(*args, **{**options, **kwargs}),
        )


def _checked_ids(
    texts: Sequence[str], ids: Sequence[str | int] | None, n_themes: int | str
) -> list[str]:
    """The answers' ids as strings (row numbers by default); raises ValueError when they
    differ in number from the texts or repeat, or for an `n_themes` neither "auto" nor a
    number."""
    n = len(texts)
    checked = [str(i) for i in range(n)] if ids is None else [str(value) for value in ids]
    if len(checked) != n:
        raise ValueError(f"Got {n} texts but {len(checked)} ids.")
    if len(set(checked)) != n:
        raise ValueError("Answer ids must be unique.")
    if isinstance(n_themes, str) and n_themes != "auto":
        raise ValueError('n_themes must be "auto" or a whole number.')
    return checked


def _themes(
    texts: Sequence[str],
    ids: Sequence[str | int] | None,
    *,
    n_themes: int | Literal["auto"],
    random_state: int,
    secondary_threshold: float,
    summary_sentences: int,
    n_quotes: int,
    max_themes: int,
    detect_duplicates: bool,
    progress: ProgressCallback | None,
    subthemes: bool,
    max_subthemes: int,
    backend: str = "light",
    language: str = "en",
    answer_languages: Sequence[str] | None = None,
) -> ThemeResult:
    """The pipeline on answers in one `language` ("cy": Welsh stop words, no stemmer, no
    sentiment; else English); `answer_languages` are what each answer was detected as."""
    report = progress or (lambda fraction, message: None)
    if backend not in ("light", "embeddings"):
        raise ValueError(f'backend must be "light" or "embeddings", not {backend!r}')
    texts = ["" if text is None else str(text) for text in texts]
    n = len(texts)
    ids = _checked_ids(texts, ids, n_themes)
    report(0.0, "Preparing answers")

    stop_words = stop_words_for(language)
    all_tokens = [tokenise(text, language) for text in texts]
    no_comment = [is_no_comment_tokens(tokens, stop_words) for tokens in all_tokens]
    spoken = [language] * n if answer_languages is None else list(answer_languages)
    substantive = [i for i in range(n) if not no_comment[i]]

    # Duplicates and campaigns: cluster one representative per group, weighted.
    report(0.05, "Finding duplicates and campaigns")
    groups = []
    if detect_duplicates and len(substantive) > 1:
        groups = _duplicate_groups([texts[i] for i in substantive], [ids[i] for i in substantive])
    index_of = {ids[i]: i for i in range(n)}
    parent = list(range(n))
    for group in groups:
        members = [index_of[member] for member in group.ids if member in index_of]
        if not members:
            continue
        head = _root(parent, index_of.get(group.representative_id, members[0]))
        for member in members:
            root = _root(parent, member)
            if root != head:
                parent[root] = head
    units = [i for i in substantive if _root(parent, i) == i]
    unit_index = {row: u for u, row in enumerate(units)}
    weights = np.zeros(len(units))
    members_of: list[list[int]] = [[] for _ in units]
    for i in substantive:
        u = unit_index[_root(parent, i)]
        weights[u] += 1
        members_of[u].append(i)

    report(0.15, "Reading words and phrases")
    stemmer = Stemmer(language)
    unit_texts = [texts[i] for i in units]
    prepared = _prepare(unit_texts, stemmer, [all_tokens[i] for i in units])
    del all_tokens

    sentence_vectors = None
    if backend == "embeddings" and units:
        from analysis import embeddings

        if embeddings.available():
            report(0.2, "Reading meaning (sentence embeddings)")
            sentence_vectors = embeddings.embed(unit_texts)
        else:
            report(0.2, "Sentence embeddings are not installed: using the light pipeline")
            backend = "light"
    elif backend == "embeddings":
        backend = "light"

    report(0.25, "Clustering")
    if units:
        clusters = cluster_texts(
            prepared.content,
            weights,
            n_themes=n_themes,
            random_state=random_state,
            ceiling=max_themes,
            k_cap=top_level_ceiling(len(units), ceiling=max_themes),
            dimensions=200 if len(units) <= 50_000 else 100,
            sentence_vectors=sentence_vectors,
        )
        k = clusters.k
    else:
        clusters, k = None, 0

    report(0.5, "Labelling themes")
    labels = clusters.labels if clusters is not None else np.zeros(0, dtype=int)
    term_lists: list[list[tuple[str, ...]]] = []
    index: PhraseIndex | None = None
    keyphrases: list[list[str]] = [[] for _ in range(k)]
    stem_weights: list[dict[str, float]] = [{} for _ in range(k)]
    if clusters is not None:
        sample = _stable_sample(len(units), 30_000)
        phrases = detect_phrases(
            [prepared.stems[u] for u in sample],
            min_count=max(3, len(sample) // 5000),
            stop_words=stop_words,
        )
        index = PhraseIndex(phrases, stemmer)
        term_lists = [index.terms(prepared.tokens[u], prepared.stems[u]) for u in range(len(units))]
        keyphrases, stem_weights = _keyphrases(term_lists, labels, k, index, weights)

    report(0.6, "Measuring sentiment")
    from analysis.sentiment import sentiment_scores, sentiment_summary

    # VADER reads English only: Welsh answers are not scored (0.0; their themes' figures
    # are all 0, neutral too: "not measured").
    unit_scores = list(sentiment_scores(unit_texts)) if units and language != "cy" else []
    unit_scores = unit_scores or [0.0] * len(units)
    scores = [0.0] * n
    for u, members in enumerate(members_of):
        for i in members:
            scores[i] = float(unit_scores[u])

    # Sub-themes: each theme's answers clustered again, on features of their own.
    report(0.68, "Finding sub-themes")
    splits: list[list[np.ndarray]] = [[] for _ in range(k)]
    sub_keyphrases: list[list[list[str]]] = [[] for _ in range(k)]
    sub_weights: list[list[dict[str, float]]] = [[] for _ in range(k)]
    if clusters is not None and subthemes:
        for c in range(k):
            members = np.flatnonzero(labels == c)
            parts = _split_theme(
                [prepared.content[u] for u in members],
                weights[members],
                random_state=random_state,
                ceiling=max_subthemes,
            )
            if parts is None:
                continue
            splits[c] = [members[part] for part in parts]
            local = np.full(len(members), -1)
            for position, part in enumerate(parts):
                local[part] = position
            assert index is not None
            sub_keyphrases[c], sub_weights[c] = _keyphrases(
                [term_lists[u] for u in members], local, len(parts), index, weights[members]
            )

    report(0.75, "Titling and summarising themes")
    splitter = (
        sentence_splitter(unit_texts[:: max(1, len(unit_texts) // 20_000)], max_chars=300_000)
        if units
        else None
    )
    cited = [tuple(ids[i] for i in members) for members in members_of]
    title_spans = TitleSpans(stemmer)

    def describe(
        node_id: int,
        members: np.ndarray,
        centre_of: np.ndarray,
        phrases: list[str],
        distinct: dict[str, float],
        avoid: set[str],
        n_sentences: int,
    ) -> Theme:
        """Title, description, summary, quotes and figures of one theme or sub-theme."""
        assert clusters is not None
        vectors = clusters.features.vectors
        centre = np.average(vectors[members], axis=0, weights=weights[members])
        centre /= max(np.linalg.norm(centre), 1e-12)
        centrality = (vectors[members] @ centre) * centre_of
        ranked = [int(u) for u in members[np.argsort(-centrality, kind="stable")]]
        summary = summarise(
            ranked[: 60 if node_id <= k else 20],
            unit_texts,
            cited,
            weights,
            centre,
            clusters.features.embed,
            lambda words: stemmer.stems(words, count=False),
            member_keys=[(text_key(unit_texts[u]), cited[u]) for u in ranked],
            splitter=splitter,
            n_sentences=n_sentences,
        )
        quotes = pick_quotes(
            ranked[:200], unit_texts, [ids[i] for i in units], vectors, n_quotes=n_quotes
        )
        central = ranked[: TITLE_ANSWERS if node_id <= k else SUBTHEME_TITLE_ANSWERS]
        title = make_title(
            [unit_texts[u] for u in central],
            distinct,
            title_spans,
            stem_sets=[prepared.stems[u] for u in central],
            required=_stems_of(phrases[0], stemmer) if phrases else (),
            fallback=phrases,
            avoid=avoid,
        )
        response_rows = sorted(i for u in members for i in members_of[u])
        return Theme(
            id=node_id,
            title=title,
            description=choose_description(summary, title, phrases, stemmer),
            keyphrases=tuple(phrases),
            response_ids=tuple(ids[i] for i in response_rows),
            size=len(response_rows),
            share=round(len(response_rows) / max(1, n), 4),
            sentiment=sentiment_summary(
                [scores[i] for i in response_rows] if language != "cy" else []
            ),
            summary=summary,
            quotes=quotes,
            language=language,
        )

    theme_list: list[Theme] = []
    unit_subtheme = np.full(len(units), -1)
    next_id = k + 1
    top_titles: set[str] = set()
    for c in range(k):
        assert clusters is not None
        members = np.flatnonzero(labels == c)
        theme = describe(
            c + 1,
            members,
            clusters.probabilities[members, c],
            keyphrases[c],
            stem_weights[c],
            top_titles,
            summary_sentences,
        )
        top_titles.add(theme.title.lower())
        children: list[Theme] = []
        seen_titles = {theme.title.lower()}
        for position, part in enumerate(splits[c]):
            child = describe(
                next_id,
                part,
                clusters.probabilities[part, c],
                sub_keyphrases[c][position],
                sub_weights[c][position],
                seen_titles,
                min(summary_sentences, 1),
            )
            seen_titles.add(child.title.lower())
            children.append(replace(child, parent=theme.id))
            unit_subtheme[part] = next_id
            next_id += 1
        theme_list.append(replace(theme, subthemes=tuple(children)))

    assignments: list[Assignment] = [None] * n  # type: ignore[list-item]
    if clusters is not None:
        for u, members in enumerate(members_of):
            row = clusters.probabilities[u]
            shares = clusters.shares[u]
            main = int(labels[u])
            others = tuple(
                (int(c) + 1, round(float(shares[c]), 4))
                for c in np.argsort(-shares, kind="stable")
                if c != main and shares[c] >= secondary_threshold
            )
            sub = int(unit_subtheme[u]) if unit_subtheme[u] > 0 else None
            for i in members:
                assignments[i] = Assignment(
                    ids[i],
                    main + 1,
                    round(float(row[main]), 4),
                    others,
                    round(scores[i], 4),
                    sub,
                    spoken[i],
                )
    for i in range(n):
        if no_comment[i]:
            assignments[i] = Assignment(ids[i], NO_COMMENT_THEME, 1.0, (), 0.0, None, spoken[i])
    report(1.0, "Done")
    substantive_scores = [scores[i] for i in substantive] if language != "cy" else []
    return ThemeResult(
        themes=tuple(theme_list),
        assignments=tuple(assignments),
        duplicates=tuple(groups),
        no_comment_ids=tuple(ids[i] for i in range(n) if no_comment[i]),
        n_themes_chosen=k,
        sentiment=sentiment_summary(substantive_scores) if substantive_scores else {},
        backend=backend,
    )


def _root(parent: list[int], i: int) -> int:
    """Union-find root of `i`, halving the path as it goes."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i
