"""Text preparation for `analysis/`: normalising, tokens, stems, phrases and sentences.

Everything here uses only the parts of NLTK that need no downloaded data: a regular
expression tokeniser, the Snowball stemmer, collocation finders and a Punkt sentence
splitter trained on the corpus itself. Stop words are scikit-learn's English list, or for
answers in Welsh our own list (`analysis/data/welsh_stop_words.txt`), with no stemmer
(`Stemmer(language="cy")`; see docs/analysis-languages.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain, pairwise
from pathlib import Path

from nltk.collocations import BigramCollocationFinder, TrigramCollocationFinder
from nltk.metrics import BigramAssocMeasures, TrigramAssocMeasures
from nltk.probability import FreqDist
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktTrainer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = [
    "STOP_WORDS",
    "WELSH_STOP_WORDS",
    "Stemmer",
    "content_tokens",
    "detect_phrases",
    "is_content_word",
    "is_no_comment",
    "is_no_comment_tokens",
    "normalise",
    "sentence_splitter",
    "split_sentences",
    "stop_words_for",
    "tokenise",
    "welsh_base",
    "welsh_key",
]

#: scikit-learn's English stop words plus the pieces contractions leave behind.
STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    {"s", "t", "d", "ll", "m", "re", "ve", "don", "doesn", "didn", "isn", "aren", "wasn"}
    | {"weren", "won", "wouldn", "shouldn", "couldn", "can't", "i'm", "it's", "don't"}
    | {"doesn't", "didn't", "isn't", "aren't", "won't", "wouldn't", "i've", "i'd", "i'll"}
    | {"we're", "they're", "you're", "that's", "there's", "let's", "we've", "they've"}
    | {"shouldn't", "couldn't", "wasn't", "weren't", "haven't", "hasn't", "hadn't", "lt", "gt"}
)


def _read_words(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(
        word for line in lines if not line.startswith("#") for word in line.lower().split()
    )


#: Welsh function words (our own list, in analysis/data/welsh_stop_words.txt).
WELSH_STOP_WORDS: frozenset[str] = _read_words(
    Path(__file__).resolve().parent / "data" / "welsh_stop_words.txt"
)


def stop_words_for(language: str) -> frozenset[str]:
    """The stop words of an answer's language: English, or for "cy" the Welsh list with
    the keys its words are matched on (`welsh_key`: phrases are found on those)."""
    return _WELSH_STOP_KEYS if language == "cy" else STOP_WORDS


# Words with letters, digits, inner apostrophes or dots ("asp.net", "don't"), and the
# "c#" / "c++" family, which matter in technical answers.
_TOKEN = re.compile(
    r"[^\W_]+(?:[#+]+|(?:['.][^\W_]+)+)?"
)  # letters of any script: café, Llanelwy, ŵyr
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})

#: Answers that say nothing, after normalising (lower case, punctuation stripped).
NO_COMMENT_PHRASES: frozenset[str] = frozenset(
    {
        "",
        "no",
        "none",
        "nope",
        "nothing",
        "n a",
        "na",
        "nil",
        "no comment",
        "no comments",
        "nothing to add",
        "nothing further",
        "nothing further to add",
        "nothing else",
        "nothing else to add",
        "not applicable",
        "no opinion",
        "no view",
        "no views",
        "don't know",
        "dont know",
        "do not know",
        "not sure",
        "unsure",
        "dk",
        "no thanks",
        "no thank you",
        "none thanks",
        "none thank you",
        "n a thanks",
        "no further comments",
        "no further comment",
        "no other comments",
        "nothing more",
        "nothing more to add",
        "same as above",
        "see above",
        "as above",
        "ok",
        "yes",
        "test",
        # Welsh: "nothing", "no comment(s)", "nothing to add", "don't know", "yes", "no"
        "dim",
        "dim byd",
        "dim sylw",
        "dim sylwadau",
        "dim sylwadau pellach",
        "dim i w ychwanegu",
        "dim byd i w ychwanegu",
        "dim byd arall",
        "ddim yn gwybod",
        "dim yn gwybod",
        "dim syniad",
        "amherthnasol",
        "ddim yn siwr",
        "ddim yn siŵr",
        "ie",
        "iawn",
        "nac ydw",
        "ydw",
        "gweler uchod",
        "fel uchod",
    }
)


def normalise(text: str | None) -> str:
    """Unicode-normalise (NFKC), straighten quotes and collapse whitespace; keep the case."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip()


def tokenise(text: str, language: str = "en") -> list[str]:
    """Lower-cased word tokens of `text` (stop words kept; see `content_tokens`). In Welsh
    ("cy") the clitics come off the word they lean on: "mae'r" → "mae", "r";
    "teimlo'n" → "teimlo", "n"; "i'w" → "i", "w"."""
    tokens = _TOKEN.findall(normalise(text).lower())
    if language == "cy":
        return [part for token in tokens for part in token.split("'") if part]
    return tokens


def is_content_word(token: str, stop_words: frozenset[str] = STOP_WORDS) -> bool:
    """True for a token that carries meaning (see `content_tokens`)."""
    return len(token) > 1 and token not in stop_words and not token.replace(".", "").isdigit()


def content_tokens(tokens: Iterable[str], stop_words: frozenset[str] = STOP_WORDS) -> list[str]:
    """Tokens that carry meaning: not stop words, not bare numbers, longer than one letter."""
    return [token for token in tokens if is_content_word(token, stop_words)]


def is_no_comment(text: str | None) -> bool:
    """True for an answer with nothing to theme: empty, "n/a", "none", "nothing to add"...
    (or in Welsh "dim", "dim sylw"...)."""
    return is_no_comment_tokens(tokenise(text or ""))


def is_no_comment_tokens(tokens: Sequence[str], stop_words: frozenset[str] = STOP_WORDS) -> bool:
    """`is_no_comment` for an answer already tokenised with `tokenise`."""
    if len(tokens) <= 6:
        joined = " ".join(tokens)
        if joined in NO_COMMENT_PHRASES or joined.replace("'", " ") in NO_COMMENT_PHRASES:
            return True
        if joined.replace("'", "") in NO_COMMENT_PHRASES:
            return True
    return not any(is_content_word(token, stop_words) for token in tokens)


# Welsh initial mutations folded to one key per family (longest prefix first): nasal
# (ngh, mh, nh, ng), aspirate (ph, th), soft (b, f, g, d, dd, l, r) all meet their radical
# (c, p, t, ll, rh): "nghyngor", "gyngor" and "cyngor" share "cyngor"; "fawr", "mawr"
# share "pawr"; "ff" is a letter of its own and stays. Not folded: "ch" (also a common
# radical, "chwarae"), h before a vowel, and the soft mutation that drops g ("ardd").
_WELSH_INITIALS = (
    *(("ngh", "c"), ("mh", "p"), ("nh", "t"), ("ng", "c"), ("ph", "p"), ("th", "t")),
    *(("dd", "t"), ("ff", "ff"), ("ll", "l"), ("rh", "r"), ("b", "p"), ("m", "p")),
    *(("f", "p"), ("g", "c"), ("d", "t")),
)


def welsh_base(token: str) -> str:
    """A Welsh word without the clitic it leans on: "teimlo'n" → "teimlo", "i'r" → "i"."""
    return token.split("'", 1)[0] or token


def welsh_key(token: str) -> str:
    """The key Welsh words are matched on (their "stem"): `welsh_base`, with the initial
    mutation folded ("fysiau" and "bysiau" → "pysiau"; words of three letters or more)."""
    word = welsh_base(token)
    if len(word) >= 3 and word.isalpha():
        for prefix, radical in _WELSH_INITIALS:
            if word.startswith(prefix):
                return radical + word[len(prefix) :]
    return word


_WELSH_STOP_KEYS = WELSH_STOP_WORDS | frozenset(map(welsh_key, WELSH_STOP_WORDS))

_PLURAL_ES = ("uses", "xes", "zes", "ches", "shes")


class Stemmer:
    """Snowball (English) stems with a cache, remembering each stem's surface forms.

    `display(stem)` gives the surface form seen most often for that stem (first seen wins a
    tie), so labels read "parking", not "park". With `language="cy"` (Welsh) there is no
    stemming (an English stemmer would mangle Welsh words): the stem is `welsh_key`, the
    word without a clitic and with its initial mutation folded away.
    `stop_words` are that language's (`stop_words_for`).
    """

    def __init__(self, language: str = "en") -> None:
        self.language = language
        self.stop_words = stop_words_for(language)
        self._snowball = SnowballStemmer("english") if language != "cy" else None
        self._cache: dict[str, str] = {}
        self._counts: Counter[str] = Counter()
        self._display: dict[str, str] | None = None

    def base(self, token: str) -> str:
        """The word a stop-word list knows: in Welsh without its clitic ("mae'r" → "mae")."""
        return token if self._snowball is not None else welsh_base(token)

    def stem(self, token: str) -> str:
        """The stem of one lower-case token (not counted as a surface form)."""
        stem = self._cache.get(token)
        if stem is None:
            if self._snowball is None:  # Welsh: see `welsh_key`
                stem = welsh_key(token)
            elif not token.isalpha():
                stem = token
            elif token.endswith(_PLURAL_ES) and len(token) > 4:
                stem = self._snowball.stem(token[:-2])  # "buses" -> "bus", not "buse"
            else:
                stem = self._snowball.stem(token)
            self._cache[token] = stem
        return stem

    def stems(self, tokens: Sequence[str], *, count: bool = True) -> list[str]:
        """Stems of `tokens`; with `count`, each token is remembered as a surface form."""
        if count:
            self._counts.update(tokens)
            self._display = None
        cache = self._cache
        return [cache.get(token) or self.stem(token) for token in tokens]

    def stem_lists(self, token_lists: Sequence[Sequence[str]]) -> list[list[str]]:
        """`stems` for many answers at once (each token counted as a surface form).

        Counts every token in one pass and stems each distinct token once, so a large
        corpus costs one dictionary look-up per token.
        """
        counted = Counter(chain.from_iterable(token_lists))
        self._counts.update(counted)
        self._display = None
        cache = self._cache
        for token in counted:
            if token not in cache:
                self.stem(token)
        lookup = cache.__getitem__
        return [list(map(lookup, tokens)) for tokens in token_lists]

    def display(self, stem: str) -> str:
        """The most frequent surface form of `stem` (the stem itself if never seen)."""
        if self._display is None:
            best: dict[str, tuple[int, str]] = {}
            for token, number in self._counts.items():  # first seen wins a tie
                key = self.stem(token)
                if key not in best or number > best[key][0]:
                    best[key] = (number, token)
            self._display = {key: token for key, (_, token) in best.items()}
        return self._display.get(stem, stem)


def detect_phrases(
    documents: Sequence[Sequence[str]],
    *,
    min_count: int = 3,
    max_phrases: int = 2000,
    trigrams: bool = True,
    stop_words: frozenset[str] = STOP_WORDS,
) -> list[tuple[str, ...]]:
    """Frequent, cohesive two- and three-word phrases in tokenised `documents`.

    Phrases are found with NLTK's collocation finders (likelihood ratio), never crossing
    answer boundaries. A phrase starts and ends with a content word; a three-word phrase
    may have a stop word in the middle ("cost of parking"). Returns token tuples, best
    first; pass stems to merge inflections ("bus route" / "bus routes").
    """
    if not documents:
        return []
    # The n-gram counts NLTK's `from_documents` would make, counted with C-level Counters
    # (no n-gram crosses an answer), and the frequency and content-word filters applied
    # before scoring: the same phrases and scores at a fraction of the cost.
    documents = [list(document) for document in documents]
    word_fd = FreqDist(Counter(chain.from_iterable(documents)))
    bigram_counts = Counter(chain.from_iterable(map(pairwise, documents)))
    content: dict[str, bool] = {}

    def is_content(word: str) -> bool:
        flag = content.get(word)
        if flag is None:
            flag = content[word] = is_content_word(word, stop_words)
        return flag

    scored: list[tuple[float, tuple[str, ...]]] = []
    bigram_finder = BigramCollocationFinder(
        word_fd,
        FreqDist(
            {
                pair: number
                for pair, number in bigram_counts.items()
                if number >= min_count and is_content(pair[0]) and is_content(pair[1])
            }
        ),
    )
    for ngram, score in bigram_finder.score_ngrams(BigramAssocMeasures.likelihood_ratio):
        scored.append((score, ngram))
    if trigrams:
        trigram_counts = Counter(
            chain.from_iterable(zip(d, d[1:], d[2:], strict=False) for d in documents)
        )
        trigram_finder = TrigramCollocationFinder(
            word_fd,
            FreqDist(bigram_counts),
            FreqDist(Counter(chain.from_iterable(zip(d, d[2:], strict=False) for d in documents))),
            FreqDist(
                {
                    triple: number
                    for triple, number in trigram_counts.items()
                    if number >= min_count
                    and triple[0] != triple[2]
                    and is_content(triple[0])
                    and is_content(triple[2])
                }
            ),
        )
        for ngram, score in trigram_finder.score_ngrams(TrigramAssocMeasures.likelihood_ratio):
            scored.append((score, ngram))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [ngram for _, ngram in scored[:max_phrases]]


def sentence_splitter(
    texts: Sequence[str], *, max_chars: int = 2_000_000
) -> PunktSentenceTokenizer:
    """A Punkt sentence splitter trained on (up to `max_chars` of) the corpus itself.

    Punkt learns abbreviations and sentence starters from the text, so it needs no
    downloaded model. Training reads texts in order, so the result is deterministic.
    """
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = False
    budget = max_chars
    chunk: list[str] = []
    for text in texts:
        if budget <= 0:
            break
        text = normalise(text)
        chunk.append(text)
        budget -= len(text)
    if chunk:
        trainer.train("\n\n".join(chunk), finalize=True)
        return PunktSentenceTokenizer(trainer.get_params())
    return PunktSentenceTokenizer(PunktParameters())


_FRAGMENTS = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9])|\s+[-•*]\s+")


def split_sentences(text: str, splitter: PunktSentenceTokenizer | None = None) -> list[str]:
    """The sentences of one answer (Punkt when a `splitter` is given, else punctuation)."""
    pieces: list[str] = []
    for line in re.split(r"\s*\n\s*", str(text or "")):
        line = normalise(line)
        if not line:
            continue
        found = _FRAGMENTS.split(line) if splitter is None else splitter.tokenize(line)
        for piece in found:
            pieces.extend(_split_lowercase_sentences(piece))
    return [piece.strip() for piece in pieces if piece and piece.strip()]


_LOWER_BREAK = re.compile(r"(?<=[^\W_)][.!?])\s+(?=[a-z])")
_ABBREVIATIONS = frozenset(
    ["e.g", "i.e", "etc", "vs", "approx", "mr", "mrs", "ms", "dr", "st", "no", "cllr", "nr"]
)


def _split_lowercase_sentences(piece: str) -> list[str]:
    """Residents who write in lower case ("at last. the cafe is lovely") give Punkt and the
    capital-letter rule nothing to go on: break after a full stop followed by a lower-case
    word when both sides are at least four words long and the stop ends no abbreviation."""
    parts: list[str] = []
    start = 0
    for match in _LOWER_BREAK.finditer(piece):
        left = piece[start : match.start()]
        right = piece[match.end() :]
        last_word = left.rsplit(None, 1)[-1].rstrip(".!?").lower() if left.split() else ""
        if len(left.split()) >= 4 and len(right.split()) >= 4 and last_word not in _ABBREVIATIONS:
            parts.append(left)
            start = match.end()
    parts.append(piece[start:])
    return parts
