"""Which language an answer is written in: Welsh ("cy"), English ("en") or "unknown".

A small character n-gram identifier (naive Bayes), trained on sentences written for this
project (`analysis/data/language_cy.txt`, `language_en.txt`; no downloaded corpus). Each
word is padded with spaces and cut into character 1- to 4-grams, so what marks Welsh —
the digraphs ch, dd, ff, ll, rh, th, w and y as vowels, the circumflex, short words such
as "yn", "y", "a'r", "mae", "ddim" — and what marks English ("th", "the", "-ing", "'s")
are all n-grams. A word's score is the sum of its n-grams' log-likelihood ratios
(Welsh over English, add-α smoothing); the text's score is the mean over its n-grams,
a capitalised word inside a sentence (a name) counting `NAME_WEIGHT` of an ordinary one.

"unknown" means there is not enough to go on: fewer than `MIN_WORDS` words or
`MIN_LETTERS` letters, a score too close to zero, or a mixed text: sentences clearly in
each language, each holding at least `MIXED_SHARE` of the letters of the sentences that
clearly lean one way (an answer written in both languages; a Welsh place name inside an
English sentence does not make it mixed). A text with none of the short words only Welsh
uses (`WELSH_MARKERS`: "yn", "y", "mae", "ddim", "gyda"...) cannot be Welsh: it is
English without being scored (names and lower-case jargon can lean Welsh without being
Welsh; and most answers of an English consultation cost one regular expression).
Method and measured accuracy: docs/analysis-languages.md. Each word is scored once and
remembered, so a corpus costs about one dictionary look-up per word.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "ENGLISH",
    "LANGUAGE_NAMES",
    "UNKNOWN",
    "WELSH",
    "Guess",
    "LanguageIdentifier",
    "default_identifier",
    "detect",
    "detect_all",
    "read_sentences",
]

WELSH, ENGLISH, UNKNOWN = "cy", "en", "unknown"
#: The title of the one theme that holds Welsh answers too few to theme on their own
#: (analysis.bilingual); here, so the web app can name it without loading the text engine.
WELSH_GROUP_TITLE = "Answers in Welsh"
#: How the languages are named to an officer (exports, theme lists).
LANGUAGE_NAMES = {WELSH: "Welsh", ENGLISH: "English", UNKNOWN: "Unknown"}

DATA = Path(__file__).resolve().parent / "data"
MIN_WORDS, MIN_LETTERS = 2, 10
#: |mean log-likelihood ratio per n-gram| below this: too close to call.
MARGIN = 0.05
#: A sentence of `MIXED_WORDS` words or more votes for a language when its mean ratio
#: per n-gram is beyond `SENTENCE_VOTE`; a text is mixed when each language holds at
#: least `MIXED_SHARE` of the voting sentences' letters.
SENTENCE_VOTE, MIXED_WORDS, MIXED_SHARE = 0.3, 4, 0.25
#: Weight of a capitalised word inside a sentence (a name: "Ysgol Bro Dur", "Tesco").
NAME_WEIGHT = 0.3
MAX_CHARS = 2000  # a long answer's first 2,000 characters decide
_CACHE_LIMIT = 200_000

#: Short words only Welsh uses (English has none of them): a text with none of these is
#: never called Welsh ("diego armando maradona" is not).
_MARKER_WORDS = """
y yr yn mae ac ar ei eu ein eich fy dy sy sydd oes ddim nid yw gyda hyn hwn bod fod wedi
mewn ond neu pob bob rhy iawn mwy gan heb fel felly rwy dw i'r o'r a'r i'w mae'r mae'n
sy'n yng ym ydy ydw dylai byddai hefyd ni nid nad nac ddylai dylid dylen bydd fydd byddwn
fyddai roedd oedd rydw rydyn rydym ydych dydw dydy nhw chi gen gennym hoffwn hoffai yma yna
sut pwy pryd achos oherwydd ychydig llawer eisoes erbyn rhwng drwy trwy wrth tuag gwneud
cael mynd dros
"""
WELSH_MARKERS = frozenset(_MARKER_WORDS.split())
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_SENTENCE_BREAK = re.compile(r"[.!?;:\n]+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@dataclass(frozen=True)
class Guess:
    """What the identifier found: `language` ("cy", "en" or "unknown"), `score` (mean
    log-likelihood ratio per n-gram: above 0 leans Welsh; None when the text has no Welsh
    function word, so is English without being scored), `welsh_share` (share of the
    letters of clearly leaning sentences that lean Welsh) and `reason` for "unknown" ("" otherwise:
    "too short", "too close", "mixed")."""

    language: str
    score: float | None
    welsh_share: float
    reason: str = ""


def _grams(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i : i + n] for n in (1, 2, 3, 4) for i in range(len(padded) - n + 1)]


def read_sentences(path: Path) -> list[str]:
    """The sentences of a training file: one a line, `#` lines and blank lines skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.translate(_QUOTES).lower())


class LanguageIdentifier:
    """Welsh against English, from each language's n-gram log-likelihood ratios."""

    def __init__(self, ratios: dict[str, float]) -> None:
        self.ratios = ratios
        self._words: dict[str, tuple[float, float, int]] = {}

    @classmethod
    def train(
        cls, welsh: Iterable[str], english: Iterable[str], *, alpha: float = 0.5
    ) -> LanguageIdentifier:
        """Learn from example texts of each language (add-`alpha` smoothing)."""
        counts = []
        for texts in (welsh, english):
            counted: Counter[str] = Counter()
            for text in texts:
                for word in _words(text):
                    counted.update(_grams(word))
            counts.append(counted)
        cy, en = counts
        vocabulary = set(cy) | set(en)
        cy_total = sum(cy.values()) + alpha * len(vocabulary)
        en_total = sum(en.values()) + alpha * len(vocabulary)
        ratios = {
            gram: math.log((cy[gram] + alpha) / cy_total) - math.log((en[gram] + alpha) / en_total)
            for gram in vocabulary
        }
        return cls(ratios)

    def _word(self, word: str) -> tuple[float, float, int]:
        """(score, n-grams, letters) of a word as written: a
        capitalised word counts `NAME_WEIGHT` (see `guess` for a sentence's first)."""
        known = self._words.get(word)
        if known is None:
            lower = word.lower()
            grams = _grams(lower)
            ratio = self.ratios.get
            weight = NAME_WEIGHT if word[0].isupper() else 1.0
            known = (
                weight * sum(ratio(gram, 0.0) for gram in grams),
                weight * len(grams),
                len(word),
            )
            if len(self._words) >= _CACHE_LIMIT:
                self._words.clear()
            self._words[word] = known
        return known

    def guess(self, text: str | None) -> Guess:
        """The language of one text, with its score and, for "unknown", why."""
        text = str(text or "")[:MAX_CHARS]
        if "’" in text or "‘" in text or "ʼ" in text:
            text = text.translate(_QUOTES)
        lowered = _WORD.findall(text.lower())
        if len(lowered) < MIN_WORDS or sum(map(len, lowered)) < MIN_LETTERS:
            return Guess(UNKNOWN, 0.0, 0.0, "too short")
        if WELSH_MARKERS.isdisjoint(lowered) and WELSH_MARKERS.isdisjoint(
            word.split("'", 1)[0] for word in lowered if "'" in word
        ):
            return Guess(ENGLISH, None, 0.0)  # cannot be Welsh: not scored (the fast path)
        score = grams = 0.0
        sides = [0, 0]  # letters in confidently Welsh / English sentences
        word = self._word
        for sentence in _SENTENCE_BREAK.split(text):
            found = _WORD.findall(sentence)
            if not found:
                continue
            # The first word of a sentence is capitalised without being a name.
            entries = [word(found[0].lower()), *map(word, found[1:])]
            scores, counts, lengths = zip(*entries, strict=True)
            sentence_score, sentence_grams, length = sum(scores), sum(counts), sum(lengths)
            score += sentence_score
            grams += sentence_grams
            if len(found) >= MIXED_WORDS and abs(sentence_score) > SENTENCE_VOTE * sentence_grams:
                sides[sentence_score < 0] += length
        score /= grams
        voting = sides[0] + sides[1]
        welsh_share = sides[0] / voting if voting else float(score > 0)
        if abs(score) < MARGIN:
            return Guess(UNKNOWN, score, welsh_share, "too close")
        if MIXED_SHARE <= welsh_share <= 1 - MIXED_SHARE:
            return Guess(UNKNOWN, score, welsh_share, "mixed")
        return Guess(WELSH if score > 0 else ENGLISH, score, welsh_share)

    def detect(self, text: str | None) -> str:
        """ "cy", "en" or "unknown" for one text."""
        return self.guess(text).language


@lru_cache(maxsize=1)
def default_identifier() -> LanguageIdentifier:
    """The identifier trained on the sentences committed in `analysis/data/`."""
    return LanguageIdentifier.train(
        read_sentences(DATA / "language_cy.txt"), read_sentences(DATA / "language_en.txt")
    )


def detect(text: str | None) -> str:
    """ "cy" (Welsh), "en" (English) or "unknown" for one answer."""
    return default_identifier().detect(text)


def detect_all(texts: Sequence[str | None]) -> list[str]:
    """`detect` for many answers (each distinct word is scored once)."""
    identify = default_identifier().detect
    return [identify(text) for text in texts]
