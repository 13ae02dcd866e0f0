"""From a question to an Answer: rank passages, decide whether to abstain,
pick each passage's best sentence and note corroborating reports."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from bot.engine.analysis import Analyzer
from bot.engine.answers import Answer, Result
from bot.engine.corpus import Corpus, Passage
from bot.engine.index import PassageIndex
from bot.engine.sentences import split_sentences


@dataclass(frozen=True)
class RetrievalSettings:
    k1: float = 1.2
    b: float = 0.75
    # Share of the question's idf weight the best passage must hold.
    min_matched_share: float = 0.5
    # How much of the lighter sentence's weight two reports must share to count as the same fact.
    corroboration_overlap: float = 0.5


class AnswerEngine:
    def __init__(self, corpus: Corpus, analyzer: Analyzer, settings: RetrievalSettings | None = None,
                 index: PassageIndex | None = None) -> None:
        self.corpus = corpus
        self.analyzer = analyzer
        self.settings = settings or RetrievalSettings()
        self.passages: list[Passage] = corpus.passages
        if index is None:
            # A passage's article title and section heading help it match.
            documents = [analyzer.tokens(f"{p.context}\n{p.text}") for p in self.passages]
            index = PassageIndex(documents, k1=self.settings.k1, b=self.settings.b)
        self.index = index
        self._spellings = sorted(t for t in index.vocabulary if t.isalpha() and len(t) >= 4)
        self._sentence_cache: dict[int, list[tuple[str, set[str]]]] = {}

    # -- the question --------------------------------------------------------

    def query_terms(self, question: str) -> list[str]:
        """The question's terms, with unknown words mended to a close indexed spelling."""
        terms = []
        for term in dict.fromkeys(self.analyzer.query_tokens(question)):
            if term not in self.index and term.isalpha() and len(term) >= 4:
                close = difflib.get_close_matches(term, self._spellings, n=1, cutoff=0.88)
                term = close[0] if close else term
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
            return Answer(question, abstain_reason="The question has no words to search for.")
        scores = self.index.scores(terms)
        ranked = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] > 0]
        if not ranked:
            return Answer(question, abstain_reason="Nothing in the articles matches the question.")
        share = self.matched_share(terms, ranked[0])
        if share < self.settings.min_matched_share:
            return Answer(question, matched_share=share,
                          abstain_reason="The articles don't cover that question.")
        results: list[Result] = []
        folded: set[int] = set()
        for doc in ranked:
            if len(results) == top_k:
                break
            if doc in folded:
                continue
            best = self.best_sentence(doc, terms)
            twins = self._corroborating(doc, best, terms)
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

    def _sentences(self, doc: int) -> list[tuple[str, set[str]]]:
        if doc not in self._sentence_cache:
            self._sentence_cache[doc] = [
                (s, set(self.analyzer.tokens(s))) for s in split_sentences(self.passages[doc].text)]
        return self._sentence_cache[doc]

    def best_sentence(self, doc: int, terms: list[str]) -> str:
        sentences = self._sentences(doc)
        weight = [sum(self.index.idf(t) for t in terms if t in tokens) for _, tokens in sentences]
        return sentences[int(np.argmax(weight))][0]

    def _corroborating(self, doc: int, best: str, terms: list[str]) -> list[int]:
        """Passages of other articles with a sentence reporting the same fact as `best`."""
        article = self.passages[doc].article
        best_tokens = set(self.analyzer.tokens(best))
        twins = []
        for other, passage in enumerate(self.passages):
            if passage.article is article or not any(self.index.holds(other, t) for t in terms):
                continue
            if any(self._overlap(best_tokens, tokens) >= self.settings.corroboration_overlap
                   for _, tokens in self._sentences(other)):
                twins.append(other)
        return twins

    def _overlap(self, a: set[str], b: set[str]) -> float:
        shared = sum(self.index.idf(t) for t in a & b)
        lighter = min(sum(self.index.idf(t) for t in a), sum(self.index.idf(t) for t in b))
        return shared / lighter if lighter else 0.0
