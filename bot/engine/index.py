"""BM25 over passages: rank-bm25's scores from an inverted index.

BM25Okapi's idf, log((N - df + 0.5) / (df + 0.5)), is zero or negative for a
term in half the passages or more, and in a corpus about two men "musk" and
"lecun" are in most of them: the very names people ask about would count for
nothing.  Lucene's idf adds one inside the log, so it is always positive and
still falls as a term gets commoner.  `LuceneBM25` is rank-bm25 with that idf,
and it stays the reference: tests check that `PassageIndex` gives its scores.

rank-bm25 scores a question by visiting every passage for every term, in
Python (~70 ms a question at 100,000 passages, see benchmarks/RESULTS.md).
`PassageIndex` keeps, for each term, the passages that hold it and the
term's BM25 weight in each, computed once with rank-bm25's own formula; a
question then adds up a few slices of one array (~0.2 ms).  It also keeps
each sentence's terms, so that answers need not analyse passages again.
Everything is read-only after construction, so any number of threads may
read an index at once.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import chain
from typing import Iterable, Iterator, Sequence

import numpy as np


def lucene_idf(n_docs: int, doc_freq: int) -> float:
    return math.log(1.0 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))


@dataclass(frozen=True)
class Postings:
    """The index as plain arrays: what the on-disk cache stores.

    The passages holding terms[t] are docs[offsets[t]:offsets[t + 1]], in
    ascending order, with the term's count in each at the same place in freqs.
    When sentences are known, passage p's sentences are numbers
    sentences[p] to sentences[p + 1] - 1, and sentence s's distinct terms (as
    numbers into terms, in order of appearance) are
    sentence_terms[sentence_offsets[s]:sentence_offsets[s + 1]]."""
    terms: list[str]
    offsets: np.ndarray  # int64, len(terms) + 1
    docs: np.ndarray     # int32
    freqs: np.ndarray    # int32
    lengths: np.ndarray  # int32, tokens in each passage
    sentences: np.ndarray | None = None         # int64, passages + 1
    sentence_offsets: np.ndarray | None = None  # int64, sentences + 1
    sentence_terms: np.ndarray | None = None    # int32

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]],
              sentences: Sequence[Sequence[Sequence[str]]] | None = None) -> "Postings":
        # Terms are numbered in order of first appearance (map and chain keep the loops in C).
        ids = {term: i for i, term in enumerate(dict.fromkeys(chain.from_iterable(documents)))}
        lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
        token_ids = np.fromiter(map(ids.__getitem__, chain.from_iterable(documents)), dtype=np.int64,
                                count=int(lengths.sum()))
        token_docs = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
        # One sort of (term, passage) pairs gives every posting list, already in passage order.
        pairs, freqs = np.unique(token_ids * len(documents) + token_docs, return_counts=True)
        offsets = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(pairs // len(documents), minlength=len(ids)), out=offsets[1:])
        postings = cls(list(ids), offsets, (pairs % len(documents)).astype(np.int32),
                       freqs.astype(np.int32), lengths.astype(np.int32))
        if sentences is None:
            return postings
        return replace(postings, **_sentence_arrays(ids, sentences))

    @classmethod
    def merge(cls, parts: Sequence["Postings"]) -> "Postings":
        """The postings of consecutive runs of passages as one: the same as
        building them all at once, terms numbered in order of first appearance."""
        if len(parts) == 1:
            return parts[0]
        terms = list(dict.fromkeys(chain.from_iterable(p.terms for p in parts)))
        ids = dict(zip(terms, range(len(terms))))
        # Each part's term numbers, as numbers of the merged terms; a part holds a term once.
        renumbered = [np.fromiter(map(ids.__getitem__, p.terms), dtype=np.int64, count=len(p.terms))
                      for p in parts]
        doc_freq = np.zeros(len(terms), dtype=np.int64)
        for new, p in zip(renumbered, parts):
            doc_freq[new] += np.diff(p.offsets)
        offsets = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(doc_freq, out=offsets[1:])
        # Parts come in passage order, so each part's postings of a term go
        # right after the earlier parts' ones: a counting sort, no comparisons.
        docs = np.empty(offsets[-1], dtype=np.int32)
        freqs = np.empty(offsets[-1], dtype=np.int32)
        filled = offsets[:-1].copy()  # where each term's next postings go
        first_doc = 0
        for new, p in zip(renumbered, parts):
            per_term = np.diff(p.offsets)
            places = np.repeat(filled[new] - p.offsets[:-1], per_term) + np.arange(len(p.docs))
            docs[places] = p.docs + np.int32(first_doc)
            freqs[places] = p.freqs
            filled[new] += per_term
            first_doc += len(p.lengths)
        merged = cls(terms, offsets, docs, freqs, np.concatenate([p.lengths for p in parts]))
        if any(p.sentences is None for p in parts):
            return merged
        sentences_per_passage = np.concatenate([np.diff(p.sentences) for p in parts])
        terms_per_sentence = np.concatenate([np.diff(p.sentence_offsets) for p in parts])
        return replace(merged, sentences=np.concatenate([[0], np.cumsum(sentences_per_passage)]),
                       sentence_offsets=np.concatenate([[0], np.cumsum(terms_per_sentence)]),
                       sentence_terms=np.concatenate([new[p.sentence_terms] for new, p in zip(renumbered, parts)])
                       .astype(np.int32))


def _sentence_arrays(ids: dict[str, int], sentences: Sequence[Sequence[Sequence[str]]]) -> dict:
    """Postings' sentence fields: each sentence's distinct term numbers, in order of first appearance."""
    per_passage = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    sizes = np.fromiter(map(len, chain.from_iterable(sentences)), dtype=np.int64)
    # A sentence's terms are terms of its passage, so they have numbers already.
    term_ids = np.fromiter(map(ids.__getitem__, chain.from_iterable(chain.from_iterable(sentences))),
                           dtype=np.int64, count=int(sizes.sum()))
    owner = np.repeat(np.arange(len(sizes)), sizes)
    _, first = np.unique(owner * max(len(ids), 1) + term_ids, return_index=True)
    first.sort()
    return {"sentences": np.concatenate([[0], np.cumsum(per_passage)]),
            "sentence_offsets": np.concatenate([[0], np.cumsum(np.bincount(owner[first], minlength=len(sizes)))]),
            "sentence_terms": term_ids[first].astype(np.int32)}


class PassageIndex:
    """Scores passages for a bag of query terms, exactly as LuceneBM25.get_scores does."""

    def __init__(self, documents: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75,
                 sentences: Sequence[Sequence[Sequence[str]]] | None = None) -> None:
        """`sentences`, if given, holds each passage's sentences' terms, for sentence_terms()."""
        if not documents:
            raise ValueError("cannot index an empty corpus")
        self._load(Postings.build(documents, sentences), k1, b)

    @classmethod
    def from_postings(cls, postings: Postings, k1: float = 1.2, b: float = 0.75) -> "PassageIndex":
        if not len(postings.lengths):
            raise ValueError("cannot index an empty corpus")
        index = cls.__new__(cls)
        index._load(postings, k1, b)
        return index

    def _load(self, p: Postings, k1: float, b: float) -> None:
        self.size = n = len(p.lengths)
        self.k1, self.b = k1, b
        self._terms = p.terms
        self._ids = dict(zip(p.terms, range(len(p.terms))))
        self._offsets, self._docs = p.offsets, p.docs
        self._sentences = (p.sentences, p.sentence_offsets, p.sentence_terms)
        doc_freq = np.diff(p.offsets)
        # Terms share a few thousand document frequencies: one math.log for each, as rank-bm25 has it.
        dfs, which = np.unique(doc_freq, return_inverse=True)
        self._idf = np.array([lucene_idf(n, df) for df in dfs.tolist()])[which]
        # rank-bm25's weight of a term in a passage, computed with its operations
        # in its order, so that scores add up to exactly what it gets:
        #   idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / avgdl)))
        avgdl = max(int(p.lengths.sum(dtype=np.int64)), 1) / n  # (no tokens at all: nothing to weigh)
        weights = (k1 * (1 - b + b * p.lengths.astype(np.int64) / avgdl))[p.docs]
        weights += p.freqs
        np.divide(p.freqs * (k1 + 1), weights, out=weights)
        weights *= np.repeat(self._idf, doc_freq)
        self._weights = weights
        self._idf_of = dict(zip(p.terms, self._idf.tolist()))  # plain floats: idf() is called a lot
        for array in (self._offsets, self._docs, self._idf, self._weights, *self._sentences):
            if array is not None:
                array.flags.writeable = False

    def idf(self, term: str) -> float:
        """A term's idf; one no passage holds weighs as much as the rarest possible."""
        idf = self._idf_of.get(term)
        return idf if idf is not None else lucene_idf(self.size, 0)

    def weight(self, terms: Iterable[str]) -> float:
        """The idfs of some terms added up: sum(idf(t) for t in terms), faster."""
        try:
            return sum(map(self._idf_of.__getitem__, terms))
        except KeyError:
            return sum(map(self.idf, terms))

    def __contains__(self, term: str) -> bool:
        return term in self._ids

    @property
    def vocabulary(self) -> Iterable[str]:
        return self._ids.keys()

    def _span(self, term: str) -> slice:
        i = self._ids[term]
        return slice(self._offsets[i], self._offsets[i + 1])

    def scores(self, terms: Iterable[str]) -> np.ndarray:
        """Every passage's score; zero for those that hold none of the terms."""
        scores = np.zeros(self.size)
        for term in dict.fromkeys(terms):
            if term in self._ids:
                span = self._span(term)
                scores[self._docs[span]] += self._weights[span]
        return scores

    def sentence_terms(self, doc: int) -> list[list[str]] | None:
        """Each sentence's distinct terms, in order of appearance; None if the index was built without."""
        sentences, offsets, terms = self._sentences
        if sentences is None:
            return None
        bounds = offsets[sentences[doc]:sentences[doc + 1] + 1].tolist()
        names = list(map(self._terms.__getitem__, terms[bounds[0]:bounds[-1]].tolist()))
        return [names[start - bounds[0]:end - bounds[0]] for start, end in zip(bounds, bounds[1:])]

    def holds(self, doc: int, term: str) -> bool:
        if term not in self._ids:
            return False
        docs = self._docs[self._span(term)]
        i = int(docs.searchsorted(doc))
        return i < len(docs) and docs[i] == doc


def ranking(scores: np.ndarray, first: int = 16) -> Iterator[int]:
    """Passages with a positive score, best first, ties in passage order: the
    order of np.argsort(-scores, kind="stable"), sorted a slice at a time, as
    a question needs a few of what may be thousands of matches."""
    candidates = np.flatnonzero(scores > 0)
    values = scores[candidates]
    done, k = 0, first
    while done < len(candidates):
        if k < len(candidates):
            # Everything scoring at least the k-th best (ties included) comes first.
            keep = values >= np.partition(values, len(values) - k)[len(values) - k]
        else:
            keep = np.ones(len(candidates), dtype=bool)
        head = candidates[keep][np.argsort(-values[keep], kind="stable")]
        yield from head[done:].tolist()
        done, k = len(head), k * 8


def __getattr__(name: str):
    # The rank-bm25 reference, imported only when asked for: `feudbot ask` never needs it.
    if name == "LuceneBM25":
        from rank_bm25 import BM25Okapi

        class LuceneBM25(BM25Okapi):
            """rank-bm25's Okapi scoring with Lucene's idf."""

            def _calc_idf(self, nd: dict[str, int]) -> None:
                for word, df in nd.items():
                    self.idf[word] = lucene_idf(self.corpus_size, df)
                self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0

        globals()[name] = LuceneBM25
        return LuceneBM25
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
