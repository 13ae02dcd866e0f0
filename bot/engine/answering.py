"""From a question to an Answer: rank passages, decide whether to abstain,
pick each passage's best sentence and note corroborating reports."""
from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain, islice
from typing import Iterable

import numpy as np

from bot.engine.analysis import Analyzer
from bot.engine.answers import Answer, Result
from bot.engine.corpus import Corpus, Passage
from bot.engine.index import PassageIndex, ranking
from bot.engine.indexing import build_postings
from bot.engine.sentences import split_sentences


@dataclass(frozen=True)
class RetrievalSettings:
    k1: float = 1.2
    b: float = 0.75
    # Share of the question's idf weight the best passage must hold.
    min_matched_share: float = 0.5
    # How much of the lighter sentence's weight two reports must share to count as the same fact.
    corroboration_overlap: float = 0.5
    # Corroborations are looked for among this many of the best-scoring passages.
    corroboration_candidates: int = 50


class AnswerEngine:
    def __init__(self, corpus: Corpus, analyzer: Analyzer, settings: RetrievalSettings | None = None,
                 index: PassageIndex | None = None) -> None:
        self.corpus = corpus
        self.analyzer = analyzer
        self.settings = settings or RetrievalSettings()
        self.passages: list[Passage] = corpus.passages
        if index is None:
            index = PassageIndex.from_postings(build_postings(self.passages, analyzer),
                                               k1=self.settings.k1, b=self.settings.b)
        self.index = index
        # Bounded, as a big corpus would otherwise end up analysed twice in memory.
        self._sentences = lru_cache(maxsize=4096)(self._analyse_sentences)

    @cached_property
    def _spellings(self) -> "Spellings":
        return Spellings(self.index.vocabulary)

    # -- the question --------------------------------------------------------

    def query_terms(self, question: str) -> list[str]:
        """The question's terms, with unknown words mended to a close indexed spelling."""
        terms = []
        for term in dict.fromkeys(self.analyzer.query_tokens(question)):
            if term not in self.index and term.isalpha() and len(term) >= 4:
                term = self._spellings.closest(term, cutoff=0.88) or term
            terms.append(term)
        # "how old is Elon" asks for an age that belongs to Musk: the index
        # holds "#age@musk" beside "Musk, 52,".
        markers = [t for t in terms if t.startswith("#")]
        topics = [t for t in terms if not t.startswith("#")]
        paired = [f"{m}@{t}" for m in markers for t in topics if f"{m}@{t}" in self.index]
        return list(dict.fromkeys(terms + paired))

    def ask(self, question: str, top_k: int = 3) -> Answer:
        terms = self.query_terms(question)
        if not terms:
            return Answer(question, abstain_reason="The question has no words to search for, so the articles don't cover it.")
        scores = self.index.scores(terms)
        ranked = ranking(scores)
        first = next(ranked, None)
        if first is None:
            return Answer(question, abstain_reason="The articles don't cover that question: nothing in them matches it.")
        share = self.matched_share(terms, first)
        if share < self.settings.min_matched_share:
            return Answer(question, matched_share=share,
                          abstain_reason="The articles don't cover that question.")
        results: list[Result] = []
        folded: set[int] = set()
        # Reports of the same fact share the question's terms, so they are among the best matches.
        leaders = [first, *islice(ranked, self.settings.corroboration_candidates - 1)]
        rivals = sorted(leaders)
        for doc in chain(leaders, ranked):
            if len(results) == top_k:
                break
            if doc in folded:
                continue
            best = self.best_sentence(doc, terms)
            twins = self._corroborating(doc, best, rivals)
            folded.update(twins)
            results.append(Result(
                text=self.passages[doc].text,
                score=float(scores[doc]),
                best_sentence=best,
                citation=self.passages[doc].citation,
                corroborations=tuple(self.passages[t].citation for t in twins),
            ))
        return Answer(question, tuple(results), matched_share=share)

    def matched_share(self, terms: list[str], doc: int) -> float:
        """How much of the question's weight a passage holds.

        Raw BM25 scores differ from one question to the next; this share does
        not, so one threshold serves every question."""
        weights = {t: self.index.idf(t) for t in terms if "@" not in t}
        total = sum(weights.values())
        held = sum(w for t, w in weights.items() if self.index.holds(doc, t))
        # Answer-type markers alone ("how many ...?") are not a topic.
        if all(t.startswith("#") for t in weights if self.index.holds(doc, t)):
            return 0.0
        return held / total if total else 0.0

    # -- the passage ---------------------------------------------------------

    def _analyse_sentences(self, doc: int) -> list[tuple[set[str], float]]:
        """The terms of each of the passage's sentences, and their total weight."""
        # The index analysed every sentence already, unless it was built without them.
        terms = self.index.sentence_terms(doc)
        if terms is None:
            terms = [self.analyzer.tokens(s) for s in split_sentences(self.passages[doc].text)]
        return [(tokens, self._weight(tokens)) for tokens in map(set, terms)]

    def _weight(self, terms: set[str]) -> float:
        return self.index.weight(terms)

    def best_sentence(self, doc: int, terms: list[str]) -> str:
        weight = [sum(self.index.idf(t) for t in terms if t in tokens) for tokens, _ in self._sentences(doc)]
        return split_sentences(self.passages[doc].text)[int(np.argmax(weight))]

    def _corroborating(self, doc: int, best: str, rivals: list[int]) -> list[int]:
        """Passages of other articles, among `rivals`, with a sentence reporting the same fact as
        `best`: the two sentences share at least corroboration_overlap of the lighter one's weight."""
        article = self.passages[doc].article
        best_terms, best_weight = self._sentences(doc)[split_sentences(self.passages[doc].text).index(best)]
        twins = []
        for other in rivals:
            if self.passages[other].article is article:
                continue
            for terms, weight in self._sentences(other):
                shared, lighter = best_terms & terms, min(best_weight, weight)
                overlap = self._weight(shared) / lighter if shared and lighter else 0.0
                if overlap >= self.settings.corroboration_overlap:
                    twins.append(other)
                    break
        return twins


class Spellings:
    """The indexed words a misspelt word may be mended to, found as difflib finds them.

    difflib's ratio, 2 * matches / (len(a) + len(b)), can never beat its
    quick_ratio, which counts the letters two words share.  So only words of
    near length sharing enough letters can pass the cutoff: NumPy finds those
    among the whole vocabulary at once, and difflib judges only them.  The
    answer is the one difflib gives over every word, in microseconds rather
    than the tenth of a second difflib takes over 100,000 words."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.words = sorted((t for t in vocabulary if t.isalpha() and len(t) >= 4), key=lambda w: (len(w), w))
        self.lengths = np.array([len(w) for w in self.words], dtype=np.int64)
        rows = np.repeat(np.arange(len(self.words)), self.lengths)
        cells = rows * 27 + self._letters("".join(self.words))
        # One row per letter, so the rows for a word's letters are contiguous.
        self.counts = np.bincount(cells, minlength=len(self.words) * 27).reshape(-1, 27).T.astype(np.uint16)

    @staticmethod
    def _letters(text: str) -> np.ndarray:
        # a-z one by one; every other letter in one shared bin, which can only overcount.
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64) - ord("a")
        codes[(codes < 0) | (codes > 25)] = 26
        return codes

    def closest(self, word: str, cutoff: float) -> str | None:
        # Lengths whose ratio 2 * min / (sum) can reach the cutoff, loosely rounded.
        lo = self.lengths.searchsorted(math.floor(len(word) * cutoff / (2 - cutoff)))
        hi = self.lengths.searchsorted(math.ceil(len(word) * (2 - cutoff) / cutoff), side="right")
        own = np.bincount(self._letters(word), minlength=27)
        shared = np.zeros(hi - lo, dtype=np.int64)
        for letter in np.flatnonzero(own):
            shared += np.minimum(self.counts[letter, lo:hi], own[letter])
        possible = np.flatnonzero(2.0 * shared / (self.lengths[lo:hi] + len(word)) >= cutoff) + lo
        close = difflib.get_close_matches(word, [self.words[i] for i in possible], n=1, cutoff=cutoff)
        return close[0] if close else None
