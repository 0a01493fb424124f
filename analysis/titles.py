"""Theme titles and descriptions for `analysis/`: headings in the residents' own words.

A title is a contiguous span of words taken from the theme's answers ("More frequent
evening buses", "Protect the river path"), never a list of key phrases. No tagger or
downloaded model is used; instead:

- **Candidates.** Every span of 2–8 words inside one clause (clauses end at punctuation
  and at words such as "because", "but", "which") of the theme's most central answers,
  that starts and ends with a word a heading can start or end with: not a function word
  (`FUNCTION_WORDS`: articles, prepositions, conjunctions, pronouns, auxiliaries), not a
  filler word ("think", "really", `analysis.labels.WEAK_WORDS`), not a number.
- **Score.** The content words' class-based TF-IDF weights within the theme (how
  distinctive each is against the sibling themes, from `analysis.labels`), summed and
  multiplied by the square root of the span's coverage (the share of central answers
  that use all of its content words), with a small bonus when several answers use the
  span word for word and a small cost per function word inside it. A span must contain
  a stem of the theme's top key phrase when any span does, so a title names what the
  key phrases name (on StackOverflow, the question's tag).
- **Surface.** The wording people used most for the winning span, first letter upper
  case (other capitals kept: "SVN", "iPhone").

A description is one extractive sentence: of the theme's cited summary sentences, the
one that shares most content words with the title and key phrases (ties: the most
central), with its citations.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from analysis.labels import WEAK_WORDS
from analysis.summaries import SummarySentence
from analysis.text import STOP_WORDS, Stemmer, normalise

__all__ = [
    "FUNCTION_WORDS",
    "TitleCheck",
    "TitleSpans",
    "check_title",
    "choose_description",
    "make_title",
]

#: Words a heading never starts or ends with. Comparatives and quantifiers people open a
#: heading with ("More frequent buses", "Fewer cars", "Less litter") are allowed.
_FUNCTION_WORDS_TEXT = """
a an the this that these those some any each every either neither no
of to in on at by for from with without about above below under over into onto upon
through throughout across along around among between behind beyond beside besides
towards toward against within via per than as like near off out up down
and or but nor so yet because although though while whereas if unless until since
when whenever where wherever whether which who whom whose what whatever how why
i me my mine myself we us our ours ourselves you your yours yourself yourselves
he him his himself she her hers herself it its itself they them their theirs
themselves one ones
am is are was were be been being do does did doing done have has had having
will would shall should can could may might must ought
not never also just only even too very really quite rather
there here then thus hence therefore however etc eg ie vs versus instead please
i'm i've i'd i'll we're we've we'd we'll you're you've they're they've it's that's
there's let's don't doesn't didn't isn't aren't wasn't weren't won't wouldn't
can't couldn't shouldn't haven't hasn't hadn't cannot
you'll they'll he'll she'll it'll that'll there'll you'd they'd he'd she'd it'd
he's she's what's where's who's how's here's
"""
FUNCTION_WORDS: frozenset[str] = frozenset(_FUNCTION_WORDS_TEXT.split())

#: Words that end a clause: a title never runs across them.
_CLAUSE_BREAKS_TEXT = """because but so although though while whereas which who whom whose
unless until since however therefore otherwise"""
_CLAUSE_BREAKS = frozenset(_CLAUSE_BREAKS_TEXT.split())
_ARTICLES = frozenset({"a", "an", "the"})
_PARTICLES = frozenset({"out", "up", "off", "down", "away", "back", "over", "of"})
#: Words a heading may open with but never end on ("Using Cocoa", not "App using").
_NOT_LAST = frozenset(
    {"using", "including", "regarding", "according", "supposed", "going", "more", "less"}
)
#: A content word followed by one of these has lost its verb ("nappies our bin").
_CLAUSE_PRONOUNS = frozenset({"i", "we", "you", "they", "he", "she", "my", "our", "your"})
_CLAUSE_PRONOUNS |= {"their", "his", "her"}
_OPENERS = frozenset({"more", "less", "fewer", "better", "cheaper", "safer", "greater"})
_WORD = re.compile(r"[^\W_]+(?:[#+]+|(?:['.][^\W_]+)+)?|[,;:.!?()\[\]{}\"/|…]")
_PUNCTUATION = frozenset(',;:.!?()[]{}"/|…')
MIN_WORDS, MAX_WORDS = 2, 8


def _is_edge_word(word: str, stop_words: frozenset[str] = STOP_WORDS) -> bool:
    """Whether a heading may start or end with `word` (lower case)."""
    if word in _OPENERS:
        return True
    return (
        len(word) > 1
        and word not in FUNCTION_WORDS
        and word not in stop_words
        and word not in WEAK_WORDS
        and not word.replace(".", "").isdigit()
    )


def _clauses(text: str) -> list[list[str]]:
    """Surface words of `text`, cut into clauses at punctuation and clause words."""
    clauses: list[list[str]] = []
    current: list[str] = []
    for token in _WORD.findall(normalise(text)):
        if token in _PUNCTUATION or token.lower() in _CLAUSE_BREAKS:
            if current:
                clauses.append(current)
            current = []
        else:
            current.append(token)
    if current:
        clauses.append(current)
    return clauses


#: One candidate span: stems, surface wording, whether it opens its clause, its content
#: stems and how many function words it holds.
Span = tuple[tuple[str, ...], str, bool, frozenset[str], int]


class TitleSpans:
    """Candidate title spans of answers. Each answer's clauses are read once (words,
    stems, which words may start or end a heading) and kept: a theme and its sub-themes
    look at many of the same answers."""

    def __init__(self, stemmer: Stemmer) -> None:
        self.stemmer = stemmer
        self._clauses: dict[str, list[_Clause]] = {}

    def _read(self, text: str) -> list[_Clause]:
        clauses = self._clauses.get(text)
        if clauses is None:
            clauses = []
            for clause in _clauses(text):
                lower = [word.lower() for word in clause]
                stems = self.stemmer.stems(lower, count=False)
                clauses.append(_Clause(clause, lower, stems, *self._flags(lower)))
            self._clauses[text] = clauses
        return clauses

    def _flags(self, lower: list[str]) -> tuple[list[bool], list[bool]]:
        """Which words may start or end a heading, and which are function words. In Welsh
        a word's clitic comes off first ("mae'r" is "mae", a function word)."""
        stop = self.stemmer.stop_words
        if self.stemmer.language != "cy":
            return (
                [_is_edge_word(word, stop) for word in lower],
                [word in FUNCTION_WORDS or word in stop for word in lower],
            )
        bases = [self.stemmer.base(word) for word in lower]
        return (
            [
                _is_edge_word(w, stop) and _is_edge_word(b, stop)
                for w, b in zip(lower, bases, strict=True)
            ],
            [w in FUNCTION_WORDS or b in stop for w, b in zip(lower, bases, strict=True)],
        )

    def spans(self, text: str, focus: Collection[str] = ()) -> list[Span]:
        """Every acceptable span of `text` (with `focus`, only those holding one of these
        stems). A span does not repeat a content word ("Magento Magento"); one not
        opening its clause may not go on with an article ("household a food caddy" lost
        its verb); none has a subject or possessive pronoun right after a content word
        ("nappies our bin"), stops before a particle ("before rolling" out) or follows an
        opener with a function word ("More a matlab")."""
        found: list[Span] = []
        for clause in self._read(text):
            lower, stems, edge, function = clause.lower, clause.stems, clause.edge, clause.function
            size = len(lower)
            hits = [i for i, stem in enumerate(stems) if stem in focus] if focus else None
            if hits is not None and not hits:
                continue
            for start in range(size):
                if not edge[start] or start + 1 >= size:
                    continue
                if start > 0 and lower[start + 1] in _ARTICLES:
                    continue
                if lower[start] in _OPENERS and function[start + 1]:
                    continue
                first_hit = None
                if hits is not None:
                    first_hit = next((i for i in hits if i >= start), None)
                    if first_hit is None or first_hit >= start + MAX_WORDS:
                        continue
                seen: set[str] = set()
                function_words = 0
                for end in range(start + 1, min(size, start + MAX_WORDS) + 1):
                    i = end - 1
                    word = lower[i]
                    if function[i]:
                        function_words += 1
                        if i > start and word in _CLAUSE_PRONOUNS and not function[i - 1]:
                            break
                    elif stems[i] in seen:
                        break
                    else:
                        seen.add(stems[i])
                    if end - start < MIN_WORDS or not edge[i] or word in _NOT_LAST:
                        continue
                    if (end < size and lower[end] in _PARTICLES) or (
                        first_hit is not None and i < first_hit
                    ):
                        continue
                    found.append(
                        (
                            tuple(stems[start:end]),
                            " ".join(clause.words[start:end]),
                            start == 0,
                            frozenset(seen),
                            function_words,
                        )
                    )
        return found


@dataclass(frozen=True)
class _Clause:
    words: list[str]
    lower: list[str]
    stems: list[str]
    edge: list[bool]
    function: list[bool]


def make_title(
    texts: Sequence[str],
    weights: Mapping[str, float],
    spans: TitleSpans,
    *,
    stem_sets: Sequence[Collection[str]] | None = None,
    required: Sequence[str] = (),
    fallback: Sequence[str] = (),
    avoid: Collection[str] = (),
) -> str:
    """A heading for a theme whose most central answers (best first) are `texts`.

    `weights` maps content stems to their distinctiveness in the theme (class-based
    TF-IDF; missing stems weigh nothing). `stem_sets[i]` are the stems of `texts[i]`
    (worked out here when not given). A title contains a stem of `required` (the top
    key phrase's stems) whenever some candidate does. `fallback` (key phrases, best
    first) builds "X and Y" when no span qualifies. A title in `avoid` (lower case: the
    titles of the parent and earlier siblings) is passed over for the next best one.
    Deterministic.
    """
    top = max(weights.values(), default=0.0) or 1.0
    weight = {stem: max(0.0, value) / top for stem, value in weights.items()}
    if stem_sets is None:
        stem_sets = [set(spans.stemmer.stems(_words(text), count=False)) for text in texts]
    # Which central answers hold each content stem, as bit sets (coverage by AND).
    holders: dict[str, int] = defaultdict(int)
    owners: dict[tuple[str, ...], int] = defaultdict(int)
    shape: dict[tuple[str, ...], tuple[frozenset[str], int]] = {}
    opens: set[tuple[str, ...]] = set()
    surfaces: dict[tuple[str, ...], list[str]] = {}
    needed = set(required)
    if not any(needed.intersection(stems) for stems in stem_sets):
        needed = set()  # no answer has the top key phrase's words: any span will do
    for owner, (text, stems) in enumerate(zip(texts, stem_sets, strict=True)):
        bit = 1 << owner
        for stem in stems:
            if stem in weight:
                holders[stem] |= bit
        found = spans.spans(text, needed)
        for key, surface, at_start, content, function_words in found:
            owners[key] |= bit
            shape[key] = (content, function_words)
            if at_start:
                opens.add(key)
            surfaces.setdefault(key, []).append(surface)
    n = max(1, len(texts))
    pool = [(key, *shape[key]) for key in owners]
    # Score only the most promising spans by their words' weights (cheap upper bound).
    pool.sort(key=lambda item: (-sum(weight.get(s, 0.0) for s in item[1]), item[0]))
    ranked: list[tuple[float, tuple[str, ...]]] = []
    for key, content, function_words in pool[:400]:
        distinct = sum(weight.get(stem, 0.0) for stem in content)
        if distinct <= 0:
            continue
        mask = -1
        for stem in content:
            mask &= holders.get(stem, 0)
        support = owners[key].bit_count()
        coverage = max(mask.bit_count(), support) / n
        score = (
            distinct
            * math.sqrt(coverage)
            * (1.0 + 0.15 * math.log(support))
            * (0.93**function_words)
            * (0.97 ** max(0, len(key) - 4))
            * (1.15 if key in opens else 1.0)
        )
        ranked.append((-score, key))
    ranked.sort()
    for _, key in ranked:
        surface = Counter(surfaces[key]).most_common(1)[0][0]
        title = surface[0].upper() + surface[1:]
        if title.lower() not in avoid:
            return title
    if needed:  # nothing usable with the top key phrase's words: any span will do
        return make_title(
            texts, weights, spans, stem_sets=stem_sets, fallback=fallback, avoid=avoid
        )
    return _fallback_title(fallback)


def _fallback_title(keyphrases: Sequence[str]) -> str:
    """A key phrase of 2-8 words that a heading may start and end with, else the first
    two joined by "and" ("Parking and fees")."""
    for phrase in keyphrases:
        words = _words(phrase)
        if (
            MIN_WORDS <= len(words) <= MAX_WORDS
            and _is_edge_word(words[0])
            and _is_edge_word(words[-1])
            and words[-1] not in _NOT_LAST
        ):
            return phrase[0].upper() + phrase[1:]
    usable = [p for p in keyphrases if p and all(_is_edge_word(w) for w in _words(p))][:2]
    if not usable:
        return "Other comments"
    title = " and ".join(usable)
    return title[0].upper() + title[1:]


def choose_description(
    summary: Sequence[SummarySentence], title: str, keyphrases: Sequence[str], stemmer: Stemmer
) -> SummarySentence | None:
    """The summary sentence sharing most content words with the title and key phrases."""
    if not summary:
        return None
    wanted = set(_content_stems(title, stemmer))
    wanted |= {stem for phrase in keyphrases[:3] for stem in _content_stems(phrase, stemmer)}

    def overlap(index: int) -> tuple[int, int]:
        stems = set(_content_stems(summary[index].sentence, stemmer))
        return (-len(stems & wanted), index)

    return summary[min(range(len(summary)), key=overlap)]


def _words(text: str) -> list[str]:
    """Lower-case words of `text` as titles cut them (punctuation dropped)."""
    return [t for t in _WORD.findall(normalise(text).lower()) if t not in _PUNCTUATION]


def _content_stems(text: str, stemmer: Stemmer) -> list[str]:
    words = _words(text)
    stop = stemmer.stop_words
    return stemmer.stems([w for w in words if w not in stop and len(w) > 1], count=False)


@dataclass(frozen=True)
class TitleCheck:
    """How a title measures up (the bench's title measures)."""

    words: int
    in_answers: bool  # occurs, case, punctuation and word endings aside, in a member answer
    function_word_at_edge: bool
    comma_joined: bool

    @property
    def grammatical_phrase(self) -> bool:
        """2–8 words, no function word at either end, not a list, found in an answer."""
        return (
            MIN_WORDS <= self.words <= MAX_WORDS
            and self.in_answers
            and not self.function_word_at_edge
            and not self.comma_joined
        )


def check_title(title: str, member_texts: Sequence[str], stemmer: Stemmer) -> TitleCheck:
    """Measure `title` against the answers of its theme (used by tests and `bench/`)."""
    words = _words(title)
    edge = bool(words) and (words[0] in FUNCTION_WORDS or words[-1] in FUNCTION_WORDS)
    needle = " " + " ".join(stemmer.stems(words, count=False)) + " "
    found = False
    for text in member_texts:
        tokens = _words(text)
        if needle in " " + " ".join(stemmer.stems(tokens, count=False)) + " ":
            found = True
            break
    return TitleCheck(len(words), found, edge, "," in title or ";" in title)
