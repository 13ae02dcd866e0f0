"""From passages to Postings: text analysis, which is most of building an
index (at 100,000 passages, about 10 s of CPU time against about 1 s for the
arrays; see benchmarks/RESULTS.md).

Passages are analysed in runs of CHUNK, each run turned into Postings of its
own, and the runs merged; the result is what one build over every passage
gives (a test holds this).  A large corpus spreads its runs over worker
processes, one per core: analysis is pure Python, so threads would take
turns.  Workers are started with "spawn", never fork, because the bot calls
this from a thread while its event loop runs in another, and a forked child
would inherit locks held by threads it does not have.
"""
from __future__ import annotations

import logging
import math
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Sequence

from bot.engine.analysis import Analyzer
from bot.engine.index import Postings
from bot.engine.sentences import split_sentences

log = logging.getLogger(__name__)

# Below this many passages, starting processes (~0.3 s) costs more than it saves.
PARALLEL_FROM = 20_000
# Passages per run: small enough to keep every worker busy to the end, big
# enough that each run's Postings are worth sending back.
CHUNK = 2_000

# A passage, as analysis sees it: (context, text).
Item = tuple[str, str]


def analyse_passage(analyzer: Analyzer, passage) -> tuple[list[str], list[list[str]]]:
    """A passage's terms for the index, and the terms of each of its sentences.

    The passage's terms are its sentences' plus its article title's and
    section heading's, which help it match.  Analysing sentence by sentence
    lets an answer pick its best sentence and find corroborating reports
    without analysing any passage again at question time."""
    return _analyse(analyzer, analyzer.tokens(passage.context), passage.text)


def _analyse(analyzer: Analyzer, context_terms: list[str], text: str) -> tuple[list[str], list[list[str]]]:
    sentences = [analyzer.tokens(s) for s in split_sentences(text)]
    return context_terms + [t for terms in sentences for t in terms], sentences


def analyse_run(analyzer: Analyzer, items: Iterable[Item]) -> Postings:
    """The Postings of a run of passages."""
    contexts: dict[str, list[str]] = {}  # the passages of a section share their title and heading
    documents, sentences = [], []
    for context, text in items:
        context_terms = contexts.get(context)
        if context_terms is None:
            context_terms = contexts[context] = analyzer.tokens(context)
        terms, sentence_terms = _analyse(analyzer, context_terms, text)
        documents.append(terms)
        sentences.append(sentence_terms)
    return Postings.build(documents, sentences)


def build_postings(passages: Sequence, analyzer: Analyzer, workers: int | None = None) -> Postings:
    """Analyse and index passages; `workers` processes at most (None: one per core)."""
    items = [(p.context, p.text) for p in passages]
    workers = worker_count(workers, len(items))
    if workers > 1:
        try:
            return _build_in_workers(items, analyzer, workers)
        except (OSError, BrokenProcessPool) as exc:  # no semaphores, out of memory, a killed worker...
            log.warning("could not analyse in %d processes (%s: %s); analysing in this one",
                        workers, exc.__class__.__name__, exc)
    return Postings.merge([analyse_run(analyzer, run) for run in _runs(items)])


def worker_count(wanted: int | None, passages: int) -> int:
    if passages < PARALLEL_FROM:
        return 1
    if not wanted:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(wanted, math.ceil(passages / CHUNK)))  # no more workers than runs


def _build_in_workers(items: list[Item], analyzer: Analyzer, workers: int) -> Postings:
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start_worker, initargs=(analyzer,)) as pool:
        return Postings.merge(list(pool.map(_analyse_in_worker, _runs(items))))


def _runs(items: list[Item]) -> list[list[Item]]:
    return [items[start:start + CHUNK] for start in range(0, max(len(items), 1), CHUNK)]


_worker_analyzer: Analyzer | None = None


def _start_worker(analyzer: Analyzer) -> None:
    global _worker_analyzer
    _worker_analyzer = analyzer
    # A worker waits for work as long as its parent lives; if the parent is
    # killed mid-build (SIGKILL, or SIGTERM with no handler), nothing would
    # ever tell it to stop.
    threading.Thread(target=_exit_with_parent, daemon=True).start()


def _exit_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)


def _analyse_in_worker(items: list[Item]) -> Postings:
    return analyse_run(_worker_analyzer, items)
