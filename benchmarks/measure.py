"""One measurement in a process of its own; prints one JSON object.

    python3 -m benchmarks.measure MODE CORPUS_DIR CACHE_DIR [--queries FILE]

Modes:
  feudbot-cold   Library.load with an empty index cache (parse, analyse, index, write the
                 cache), timed step by step, with --workers analysis processes (0: one
                 per core, as the bot does); then analyses the benchmark questions and
                 writes the query file every other mode reads.
  feudbot-ask    Library.load with a warm cache, then AnswerEngine.ask on each question:
                 what `feudbot ask` and the bot do.
  feudbot-index  PassageIndex built from the analysed passages, then scores + top 10.
  rank-bm25      rank-bm25 (BM25Okapi with Lucene's idf, i.e. LuceneBM25): get_scores + top 10.
  bm25s          bm25s (method "lucene", numpy backend): retrieve(k=10).

The three bare systems index the same analysed passages (read back from
feudbot's cache: each passage's bag of words, which is all BM25 sees) and
answer the same analysed questions.  Build time is one untraced build;
memory is a second build under tracemalloc (peak while building, and what
the index still holds afterwards), plus the process's max RSS.
"""
from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
import tracemalloc
from itertools import islice
from pathlib import Path
from types import SimpleNamespace

import numpy as np

TOP = 10
WARMUP = 5
QUESTIONS = 300


def cached_documents(cache_dir: Path) -> list[list[str]]:
    """The analysed passages, as bags of words, from feudbot's index cache."""
    (path,) = Path(cache_dir).glob("index-*.npz")
    with np.load(path, allow_pickle=False) as npz:
        terms = npz["terms"].tobytes().decode("utf-8").split("\n")
        offsets, docs, freqs, lengths = npz["offsets"], npz["docs"], npz["freqs"], npz["lengths"]
    documents: list[list[str]] = [[] for _ in range(len(lengths))]
    for t, term in enumerate(terms):
        span = slice(offsets[t], offsets[t + 1])
        for doc, freq in zip(docs[span].tolist(), freqs[span].tolist()):
            documents[doc].extend([term] * freq)
    return documents


def timed_build(build, documents) -> dict:
    started = time.perf_counter()
    index = build(documents)
    seconds = time.perf_counter() - started
    del index
    gc.collect()
    tracemalloc.start()
    index = build(documents)
    peak = tracemalloc.get_traced_memory()[1]
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"build_s": seconds, "build_peak_mb": peak / 2**20, "index_mb": held / 2**20, "index": index}


def latencies(search, queries: list) -> tuple[list[float], list]:
    for query in queries[:WARMUP]:
        search(query)
    times, answers = [], []
    for query in queries:
        started = time.perf_counter()
        answer = search(query)
        times.append(time.perf_counter() - started)
        answers.append(answer)
    return times, answers


def summary(times: list[float]) -> dict:
    ms = np.array(times) * 1000
    return {"p50_ms": float(np.percentile(ms, 50)), "p99_ms": float(np.percentile(ms, 99)),
            "mean_ms": float(ms.mean()), "queries": len(ms)}


def top_k(scores: np.ndarray) -> list[tuple[int, float]]:
    best = np.argpartition(-scores, min(TOP, len(scores) - 1))[:TOP]
    best = best[np.argsort(-scores[best], kind="stable")]
    return [(int(i), float(scores[i])) for i in best if scores[i] > 0]


# -- the systems --------------------------------------------------------------

def rank_bm25(documents, queries) -> dict:
    from bot.engine.index import LuceneBM25

    result = timed_build(lambda docs: LuceneBM25(docs, k1=1.2, b=0.75), documents)
    bm25 = result.pop("index")
    times, tops = latencies(lambda terms: top_k(bm25.get_scores(terms)), [q["known"] for q in queries])
    return {**result, **summary(times), "top": tops}


def bm25s_(documents, queries) -> dict:
    import bm25s

    def build(docs):
        retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene", backend="numpy")
        retriever.index(docs, show_progress=False)
        return retriever

    result = timed_build(build, documents)
    retriever = result.pop("index")

    def search(terms):
        docs, scores = retriever.retrieve([terms], k=TOP, show_progress=False, backend_selection="numpy")
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    times, tops = latencies(search, [q["known"] for q in queries])
    return {**result, **summary(times), "top": tops}


def feudbot_index(documents, queries) -> dict:
    from bot.engine.index import PassageIndex, ranking

    result = timed_build(PassageIndex, documents)
    index = result.pop("index")
    def search(terms):
        scores = index.scores(terms)
        return [(doc, float(scores[doc])) for doc in islice(ranking(scores), TOP)]

    times, tops = latencies(search, [q["terms"] for q in queries])
    return {**result, **summary(times), "top": tops}


def _timing_hooks() -> dict:
    """Time the steps of Library.load by wrapping them (two clock reads a call)."""
    from bot.engine import index_cache, library
    from bot.engine.index import PassageIndex, Postings

    spent: dict[str, float] = {}

    def patch(owner, name, label):
        original = getattr(owner, name)
        spent[label] = 0.0

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] += time.perf_counter() - started
        setattr(owner, name, timed)

    patch(library, "load_corpus_cached", "parse_s")
    patch(index_cache, "cache_key", "cache_key_s")
    # Analysis happens in worker processes, out of reach of a hook: it is the
    # whole build less the merge of the workers' postings.
    patch(index_cache, "build_postings", "build_s")
    patch(Postings, "merge", "merge_s")
    patch(index_cache, "read_postings", "cache_read_s")
    patch(index_cache, "write_postings", "cache_write_s")
    patch(PassageIndex, "from_postings", "index_s")
    return spent


def feudbot_cold(corpus_dir: Path, cache_dir: Path, questions_file: Path, workers: int) -> dict:
    import shutil

    from benchmarks.synthetic import questions
    from bot.engine import indexing, library

    shutil.rmtree(cache_dir, ignore_errors=True)
    spent = _timing_hooks()
    started = time.perf_counter()
    lib = library.Library.load(corpus_dir, SimpleNamespace(index_cache_dir=cache_dir, index_workers=workers))
    total = time.perf_counter() - started
    spent["analysis_s"] = spent["build_s"] - spent["merge_s"]
    index = lib.answers.index
    queries = []
    for question in questions([p.text for p in lib.answers.passages], QUESTIONS):
        terms = lib.answers.query_terms(question)
        known = [t for t in terms if t in index]
        if known:  # every system is asked only questions that match something
            queries.append({"question": question, "terms": terms, "known": known})
    # For the time to a first answer: a question the first passage answers.
    first = "what about " + " ".join(lib.answers.passages[0].text.split()[:8]) + "?"
    questions_file.write_text(json.dumps({"first": first, "queries": queries}))
    return {"load_s": total, **spent, "workers": indexing.worker_count(workers, index.size), "passages": index.size, "articles": len(lib.corpus.articles),
            "vocabulary": len(index._ids), "postings": int(len(index._docs)), "queries": len(queries)}


def feudbot_ask(corpus_dir: Path, cache_dir: Path, first_question: str, queries) -> dict:
    from bot.engine import library

    spent = _timing_hooks()
    started = time.perf_counter()
    lib = library.Library.load(corpus_dir, SimpleNamespace(index_cache_dir=cache_dir))
    load = time.perf_counter() - started
    spent = dict(spent)  # the steps of loading; asking analyses sentences, which is not loading
    if spent["build_s"]:
        raise SystemExit("feudbot-ask expects a warm index cache")
    started = time.perf_counter()
    first = lib.answers.ask(first_question)
    first_answer = time.perf_counter() - started
    times, answers = latencies(lambda q: lib.answers.ask(q), [q["question"] for q in queries])
    answered = [t for t, a in zip(times, answers) if a.answered]
    return {"warm_load_s": load, **spent, "first_ask_s": first_answer, **summary(times),
            "answered": len(answered), "answered_p50_ms": summary(answered)["p50_ms"] if answered else None,
            "first_answered": first.answered}



def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["feudbot-cold", "feudbot-ask", "feudbot-index", "rank-bm25", "bm25s"])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("cache", type=Path)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args(argv)
    if args.mode == "feudbot-cold":
        result = feudbot_cold(args.corpus, args.cache, args.queries, args.workers)
    else:
        data = json.loads(args.queries.read_text())
        queries = data["queries"]
        if args.mode == "feudbot-ask":
            result = feudbot_ask(args.corpus, args.cache, data["first"], queries)
        else:
            documents = cached_documents(args.cache)
            system = {"feudbot-index": feudbot_index, "rank-bm25": rank_bm25, "bm25s": bm25s_}[args.mode]
            result = system(documents, queries)
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
