"""The inverted index gives rank-bm25's scores (LuceneBM25 is the reference)."""
from __future__ import annotations

import difflib
import random
import string
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from bot.engine.answering import Spellings
from bot.engine.index import LuceneBM25, PassageIndex, Postings, ranking


def random_corpus(rng: random.Random, size: int, vocabulary: int) -> list[list[str]]:
    words = [f"w{i}" for i in range(vocabulary)]
    weights = [1 / (rank + 1) for rank in range(vocabulary)]  # Zipfian, so some terms are everywhere
    return [rng.choices(words, weights, k=rng.choice([0, 1, 3, 8, 20, 60])) for _ in range(size)]


def random_queries(rng: random.Random, vocabulary: int, count: int) -> list[list[str]]:
    # Unknown words and repeated words too.
    pool = [f"w{i}" for i in range(vocabulary)] + ["unknown", "zzz"]
    return [rng.choices(pool, k=rng.randint(1, 6)) for _ in range(count)]


def same_top_k(ours: np.ndarray, reference: np.ndarray, k: int) -> None:
    """Our k best passages are the reference's k best, in its order up to ties."""
    order = list(ranking(ours))[:k]
    expected = [i for i in np.argsort(-reference, kind="stable") if reference[i] > 0][:k]
    assert len(order) == len(expected)
    np.testing.assert_allclose(reference[order], reference[expected], rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", range(12))
def test_scores_match_rank_bm25_on_random_corpora(seed):
    rng = random.Random(seed)
    vocabulary = rng.choice([3, 30, 400])
    documents = random_corpus(rng, rng.choice([1, 7, 60, 500]), vocabulary)
    if not any(documents):
        documents[0] = ["w0"]
    k1, b = rng.choice([(1.2, 0.75), (1.5, 0.3), (0.9, 0.95), (2.0, 0.0)])
    reference = LuceneBM25(documents, k1=k1, b=b)
    index = PassageIndex(documents, k1=k1, b=b)
    for query in random_queries(rng, vocabulary, 40):
        known = [t for t in dict.fromkeys(query) if t in reference.idf]
        expected = reference.get_scores(known) if known else np.zeros(len(documents))
        ours = index.scores(query)
        # The same operations in the same order: equal to the bit, in fact.
        np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-9)
        same_top_k(ours, expected, 10)


def test_idf_holds_and_vocabulary_match_the_reference():
    rng = random.Random(99)
    documents = random_corpus(rng, 300, 200)
    reference = LuceneBM25(documents)
    index = PassageIndex(documents)
    assert set(index.vocabulary) == set(reference.idf)
    for term, idf in reference.idf.items():
        assert term in index
        assert index.idf(term) == pytest.approx(idf, abs=1e-12)
    assert "nowhere" not in index and index.idf("nowhere") > max(reference.idf.values())
    for doc, frequencies in enumerate(reference.doc_freqs):
        for term in rng.sample(sorted(reference.idf), 20):
            assert index.holds(doc, term) == (term in frequencies)
    assert not index.holds(0, "nowhere")


def test_postings_round_trip_and_are_in_passage_order():
    documents = [["b", "a", "b"], [], ["a"], ["c", "b"]]
    postings = Postings.build(documents)
    terms = dict(zip(postings.terms, range(len(postings.terms))))
    span = lambda t: slice(postings.offsets[terms[t]], postings.offsets[terms[t] + 1])  # noqa: E731
    assert postings.docs[span("b")].tolist() == [0, 3]
    assert postings.freqs[span("b")].tolist() == [2, 1]
    assert postings.docs[span("a")].tolist() == [0, 2]
    assert postings.lengths.tolist() == [3, 0, 1, 2]
    rebuilt = PassageIndex.from_postings(postings)
    direct = PassageIndex(documents)
    for query in (["a"], ["b", "c"], ["a", "b", "c", "d"]):
        assert np.array_equal(rebuilt.scores(query), direct.scores(query))


def test_an_empty_corpus_is_refused():
    with pytest.raises(ValueError):
        PassageIndex([])


def test_passages_without_terms_score_zero():
    index = PassageIndex([[], ["x"], []])
    assert index.scores(["x"]).tolist()[0::2] == [0.0, 0.0]
    assert index.scores([]).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("first", [1, 2, 16])
def test_ranking_is_a_stable_descending_sort_of_the_positive_scores(first):
    rng = np.random.default_rng(5)
    for _ in range(50):
        # Few distinct values, so ties are everywhere.
        scores = rng.integers(0, 4, size=rng.integers(1, 300)).astype(float)
        expected = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] > 0]
        assert list(ranking(scores, first=first)) == expected


def test_concurrent_readers_get_the_same_scores():
    rng = random.Random(3)
    documents = random_corpus(rng, 2000, 300)
    index = PassageIndex(documents)
    queries = random_queries(rng, 300, 200)
    alone = [index.scores(q) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(index.scores, queries))
    assert all(np.array_equal(a, b) for a, b in zip(alone, together))


def test_spelling_mender_agrees_with_difflib_over_the_whole_vocabulary():
    rng = random.Random(11)
    letters = string.ascii_lowercase + "éüß"
    vocabulary = {"".join(rng.choices(letters[:12], k=rng.randint(1, 14))) for _ in range(1500)}
    vocabulary |= {"x.com", "2024", "#age", "ai"}
    spellings = Spellings(vocabulary)
    everything = sorted(t for t in vocabulary if t.isalpha() and len(t) >= 4)
    words = rng.sample(everything, 60)
    for word in words:
        i = rng.randrange(len(word))
        for typo in (word[:i] + word[i + 1:], word[:i] + word[i] + word[i:],
                     word[:i] + rng.choice(letters) + word[i + 1:], word[::-1], word + "s"):
            for cutoff in (0.88, 0.7):
                close = difflib.get_close_matches(typo, everything, n=1, cutoff=cutoff)
                assert spellings.closest(typo, cutoff) == (close[0] if close else None), typo


def test_sentence_terms_are_each_sentences_distinct_terms_in_order():
    documents = [["ctx", "a", "b", "a", "c"], ["d"], []]
    sentences = [[["a", "b", "a"], ["c"]], [["d"]], []]
    index = PassageIndex(documents, sentences=sentences)
    assert index.sentence_terms(0) == [["a", "b"], ["c"]]
    assert index.sentence_terms(1) == [["d"]]
    assert index.sentence_terms(2) == []
    assert PassageIndex(documents).sentence_terms(0) is None
    # The same set, built in the same order, iterates in the same order: sums match to the bit.
    assert list(set(index.sentence_terms(0)[0])) == list(set(sentences[0][0]))


def test_a_passage_analysed_by_sentence_has_the_terms_of_the_whole(library):
    """Analysing sentence by sentence loses nothing on the bundled corpus (only a phrase
    running across a full stop could differ)."""
    from collections import Counter

    from bot.engine.indexing import analyse_passage

    analyzer = library.analyzer
    for doc, passage in enumerate(library.answers.passages):
        terms, sentences = analyse_passage(analyzer, passage)
        assert Counter(terms) == Counter(analyzer.tokens(f"{passage.context}\n{passage.text}"))
        assert [sorted(set(s)) for s in sentences] == [sorted(t) for t, _ in library.answers._sentences(doc)]


def test_concurrent_questions_get_the_answers_asked_alone(library):
    questions = ["how old is elon", "Who is Clem Delangue?", "what did lecun say about publishing",
                 "why did musk attack lecun", "how many papers has lecun published", "who owns x"] * 10
    alone = [library.answers.ask(q) for q in questions]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(library.answers.ask, questions))
    assert together == alone
