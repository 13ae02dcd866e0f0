"""BM25 over passages, scored by rank-bm25 with an idf that stays positive.

BM25Okapi's idf, log((N - df + 0.5) / (df + 0.5)), is zero or negative for a
term in half the passages or more, and in a corpus about two men "musk" and
"lecun" are in most of them: the very names people ask about would count for
nothing.  Lucene's idf adds one inside the log, so it is always positive and
still falls as a term gets commoner.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np
from rank_bm25 import BM25Okapi


class LuceneBM25(BM25Okapi):
    """rank-bm25's Okapi scoring with Lucene's idf."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, df in nd.items():
            self.idf[word] = lucene_idf(self.corpus_size, df)
        self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0


def lucene_idf(n_docs: int, doc_freq: int) -> float:
    return math.log(1.0 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))


class PassageIndex:
    """Scores passages for a bag of query terms."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        if not documents:
            raise ValueError("cannot index an empty corpus")
        self.bm25 = LuceneBM25([list(d) for d in documents], k1=k1, b=b)
        self.size = self.bm25.corpus_size

    def idf(self, term: str) -> float:
        """A term's idf; one no passage holds weighs as much as the rarest possible."""
        return self.bm25.idf.get(term, lucene_idf(self.size, 0))

    def __contains__(self, term: str) -> bool:
        return term in self.bm25.idf

    @property
    def vocabulary(self) -> Iterable[str]:
        return self.bm25.idf.keys()

    def scores(self, terms: Iterable[str]) -> np.ndarray:
        known = [t for t in dict.fromkeys(terms) if t in self.bm25.idf]
        if not known:
            return np.zeros(self.size)
        return self.bm25.get_scores(known)

    def holds(self, doc: int, term: str) -> bool:
        return term in self.bm25.doc_freqs[doc]
