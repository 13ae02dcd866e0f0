"""Building Postings by runs, and in worker processes, gives what one build over every passage gives."""
from __future__ import annotations

import logging
import math
import os
import pickle
import random
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import fields

from pathlib import Path

import numpy as np
import pytest

from bot.engine import indexing
from bot.engine.corpus import load_corpus
from bot.engine.index import Postings
from bot.engine.indexing import analyse_passage, build_postings, worker_count
from tests.conftest import REPO


def assert_same(a: Postings, b: Postings) -> None:
    assert a.terms == b.terms
    for field in fields(Postings)[1:]:
        left, right = getattr(a, field.name), getattr(b, field.name)
        assert (left is None) == (right is None), field.name
        if left is not None:
            assert left.dtype == right.dtype, field.name
            np.testing.assert_array_equal(left, right, err_msg=field.name)


def random_passages(rng: random.Random, size: int) -> tuple[list[list[str]], list[list[list[str]]]]:
    words = [f"w{i}" for i in range(rng.choice([2, 40, 300]))]
    sentences = [[rng.choices(words, k=rng.choice([0, 1, 4, 12])) for _ in range(rng.choice([0, 1, 3]))]
                 for _ in range(size)]
    contexts = [rng.choices(words, k=rng.choice([0, 2])) for _ in range(size)]
    documents = [context + [t for s in passage for t in s] for context, passage in zip(contexts, sentences)]
    return documents, sentences


@pytest.mark.parametrize("seed", range(10))
def test_merged_runs_equal_one_build(seed):
    rng = random.Random(seed)
    documents, sentences = random_passages(rng, rng.choice([1, 5, 80, 400]))
    cuts = sorted(rng.sample(range(1, len(documents)), min(len(documents) - 1, rng.choice([0, 1, 3, 9]))))
    bounds = [0, *cuts, len(documents)]
    parts = [Postings.build(documents[a:b], sentences[a:b]) for a, b in zip(bounds, bounds[1:])]
    assert_same(Postings.merge(parts), Postings.build(documents, sentences))
    plain = [Postings.build(documents[a:b]) for a, b in zip(bounds, bounds[1:])]
    assert_same(Postings.merge(plain), Postings.build(documents))


def passages_and_analyzer(library):
    corpus = load_corpus(REPO / "tests" / "fixtures" / "quotes")
    return library.corpus.passages + corpus.passages, library.analyzer


def one_build(passages, analyzer) -> Postings:
    documents, sentences = zip(*(analyse_passage(analyzer, p) for p in passages))
    return Postings.build(documents, sentences)


def test_runs_analysed_in_worker_processes_equal_one_build(library, monkeypatch, caplog):
    passages, analyzer = passages_and_analyzer(library)
    monkeypatch.setattr(indexing, "PARALLEL_FROM", 0)
    monkeypatch.setattr(indexing, "CHUNK", 7)  # several runs for each worker
    assert worker_count(2, len(passages)) == 2
    with caplog.at_level(logging.WARNING, logger="bot.engine.indexing"):
        built = build_postings(passages, analyzer, workers=2)
    assert not caplog.records  # the workers did the work: nothing fell back
    assert_same(built, one_build(passages, analyzer))


def test_workers_are_started_from_a_thread_as_the_bot_does(library, monkeypatch, caplog):
    """The bot builds on its engine thread while the event loop runs on the main one."""
    from concurrent.futures import ThreadPoolExecutor

    passages, analyzer = passages_and_analyzer(library)
    monkeypatch.setattr(indexing, "PARALLEL_FROM", 0)
    monkeypatch.setattr(indexing, "CHUNK", 10)
    with caplog.at_level(logging.WARNING, logger="bot.engine.indexing"), ThreadPoolExecutor(1) as thread:
        built = thread.submit(build_postings, passages, analyzer, 2).result(timeout=60)
    assert not caplog.records
    assert_same(built, one_build(passages, analyzer))


def test_without_worker_processes_the_build_falls_back_and_says_so(library, monkeypatch, caplog):
    passages, analyzer = passages_and_analyzer(library)
    monkeypatch.setattr(indexing, "PARALLEL_FROM", 0)
    monkeypatch.setattr(indexing, "CHUNK", 7)

    def no_processes(*args, **kwargs):
        raise OSError("no semaphores here")

    monkeypatch.setattr(indexing, "ProcessPoolExecutor", no_processes)
    with caplog.at_level(logging.WARNING, logger="bot.engine.indexing"):
        built = build_postings(passages, analyzer, workers=2)
    assert "analysing in this one" in caplog.text and "no semaphores here" in caplog.text
    assert_same(built, one_build(passages, analyzer))


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return any(line.split() == ["State:", "Z", "(zombie)"] for line in status)
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_workers_exit_when_their_parent_is_killed_mid_build(tmp_path):
    parent = textwrap.dedent("""
        import multiprocessing, os, sys, time
        from concurrent.futures import ProcessPoolExecutor
        from bot.engine.analysis import Analyzer
        from bot.engine import indexing

        pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=indexing._start_worker, initargs=(Analyzer(),))
        pids = {pool.submit(os.getpid).result() for _ in range(8)}
        for _ in range(2):
            pool.submit(time.sleep, 120)  # a build that will not finish in time
        print(*pids, flush=True)
        time.sleep(120)
    """)
    process = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        workers = [int(pid) for pid in process.stdout.readline().split()]
        assert workers and not any(map(_gone, workers))
    finally:
        os.kill(process.pid, signal.SIGKILL)  # no handler, no clean-up: as a kill -9 would be
        process.wait()
    deadline = time.monotonic() + 20
    while not all(map(_gone, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(map(_gone, workers))


def test_small_corpora_stay_in_one_process(monkeypatch):
    assert worker_count(None, indexing.PARALLEL_FROM - 1) == 1
    assert worker_count(1, 10 * indexing.PARALLEL_FROM) == 1
    assert worker_count(8, indexing.PARALLEL_FROM) == min(8, math.ceil(indexing.PARALLEL_FROM / indexing.CHUNK))
    assert worker_count(None, 10 * indexing.PARALLEL_FROM) >= 1


def test_an_analyser_sent_to_a_worker_analyses_alike(library):
    analyzer = library.analyzer
    copy = pickle.loads(pickle.dumps(analyzer))
    for passage in library.corpus.passages:
        assert copy.tokens(passage.text) == analyzer.tokens(passage.text)
        assert copy.query_tokens(passage.text) == analyzer.query_tokens(passage.text)
