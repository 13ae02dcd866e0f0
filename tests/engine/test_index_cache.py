"""The on-disk index cache: reused when current, rebuilt (and logged) when stale or corrupt."""
from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from bot.engine import index_cache
from bot.engine.analysis import Analyzer
from bot.engine.corpus import load_corpus
from bot.engine.index import PassageIndex, Postings
from bot.engine.indexing import analyse_passage, build_postings
from bot.engine.cache_files import CACHE_FOLDER
from bot.engine.index_cache import cache_key, load_index
from bot.engine.lexicon import Lexicon
from bot.engine.people import load_people

QUERIES = [["musk", "lecun"], ["feud"], ["#age", "#age@musk"], ["tweet", "paper", "publish"]]


@pytest.fixture(autouse=True)
def user_cache(tmp_path, monkeypatch) -> Path:
    """Keep the fallback cache out of the real home folder."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "feudbot"


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """Counts the indexes the cache builds (each build analyses every passage)."""
    calls: list[int] = []

    def counting(passages, analyzer, workers=None):
        calls.append(len(passages))
        return build_postings(passages, analyzer, workers)

    monkeypatch.setattr(index_cache, "build_postings", counting)
    return calls


def open_corpus(directory: Path):
    corpus = load_corpus(directory)
    analyzer = Analyzer(Lexicon.load(directory, load_people(directory)))
    return corpus, analyzer


def fresh_index(directory: Path, **options) -> PassageIndex:
    corpus, analyzer = open_corpus(directory)
    documents, sentences = zip(*(analyse_passage(analyzer, p) for p in corpus.passages))
    return PassageIndex(documents, sentences=sentences, **options)


def fresh_scores(directory: Path) -> list[np.ndarray]:
    index = fresh_index(directory)
    return [index.scores(q) for q in QUERIES]


def cached_scores(directory: Path, **options) -> list[np.ndarray]:
    index = load_index(*open_corpus(directory), **options)
    return [index.scores(q) for q in QUERIES]


def cache_file(directory: Path) -> Path:
    (path,) = (directory / CACHE_FOLDER).glob("index-*.npz")
    return path


def assert_same(a: list[np.ndarray], b: list[np.ndarray]) -> None:
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_a_restart_reuses_the_index_without_analysing(corpus_copy, builds):
    first = cached_scores(corpus_copy)
    assert len(builds) == 1 and cache_file(corpus_copy).is_file()
    second = cached_scores(corpus_copy)
    assert len(builds) == 1, "the second load analysed the corpus again"
    assert_same(first, second)
    assert_same(second, fresh_scores(corpus_copy))
    assert not list((corpus_copy / CACHE_FOLDER).glob("*.tmp")), "a temporary file was left behind"


def test_the_cache_is_plain_numpy_without_pickle(corpus_copy):
    cached_scores(corpus_copy)
    with zipfile.ZipFile(cache_file(corpus_copy)) as archive:
        assert all(name.endswith(".npy") for name in archive.namelist())
    with np.load(cache_file(corpus_copy), allow_pickle=False) as npz:
        assert all(npz[name].dtype != object for name in npz.files)


def test_k1_and_b_need_no_rebuild(corpus_copy, builds):
    cached_scores(corpus_copy)
    corpus, analyzer = open_corpus(corpus_copy)
    index = load_index(corpus, analyzer, k1=2.0, b=0.3)
    direct = fresh_index(corpus_copy, k1=2.0, b=0.3)
    assert len(builds) == 1
    assert_same([index.scores(q) for q in QUERIES], [direct.scores(q) for q in QUERIES])


@pytest.mark.parametrize("change", ["article", "synonyms", "people", "version"])
def test_a_stale_cache_is_rebuilt_and_logged(corpus_copy, builds, caplog, monkeypatch, change):
    cached_scores(corpus_copy)
    if change == "article":
        article = sorted(corpus_copy.glob("*.md"))[0]
        article.write_text(article.read_text(encoding="utf-8") + "\nA new paragraph about a feud.\n",
                           encoding="utf-8")
    elif change == "synonyms":
        text = (corpus_copy / "synonyms.yaml").read_text(encoding="utf-8")
        (corpus_copy / "synonyms.yaml").write_text(text.replace("groups:\n", "groups:\n  - [feud, squabble]\n"),
                                                   encoding="utf-8")
    elif change == "people":
        text = (corpus_copy / "people.yaml").read_text(encoding="utf-8")
        (corpus_copy / "people.yaml").write_text(text.replace("[Elon Musk, Musk, Elon]",
                                                              "[Elon Musk, Musk, Elon, Technoking]"),
                                                 encoding="utf-8")
    else:
        monkeypatch.setattr(index_cache, "CACHE_VERSION", index_cache.CACHE_VERSION + 1)
    with caplog.at_level(logging.WARNING, logger="bot.engine.index_cache"):
        scores = cached_scores(corpus_copy)
    assert len(builds) == 2
    assert "stale" in caplog.text
    assert_same(scores, fresh_scores(corpus_copy))
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.engine.index_cache"):
        cached_scores(corpus_copy)
    assert len(builds) == 2 and not caplog.text, "the rebuilt index was not cached"


def test_the_key_covers_articles_and_tables(corpus_copy):
    corpus, analyzer = open_corpus(corpus_copy)
    key = cache_key(corpus, analyzer)
    assert key == cache_key(*open_corpus(corpus_copy))
    (corpus_copy / "synonyms.yaml").write_text("groups:\n  - [feud, squabble]\n", encoding="utf-8")
    assert cache_key(*open_corpus(corpus_copy)) != key


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a zip file at all")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _rewrite(path: Path, **changes) -> None:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays.update(changes)
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def _wrong_shapes(path: Path) -> None:
    with np.load(path) as npz:
        _rewrite(path, docs=npz["docs"][:-3], freqs=npz["freqs"][:-3])


def _passage_out_of_range(path: Path) -> None:
    with np.load(path) as npz:
        docs = npz["docs"].copy()
    docs[0] = 10_000
    _rewrite(path, docs=docs)


def _wrong_dtype(path: Path) -> None:
    with np.load(path) as npz:
        _rewrite(path, offsets=npz["offsets"].astype(np.float64))


def _missing_array(path: Path) -> None:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files if name != "freqs"}
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def _pickled(path: Path) -> None:
    _rewrite(path, terms=np.array([{"evil": "pickle"}], dtype=object))


def _unsorted_postings(path: Path) -> None:
    with np.load(path) as npz:
        docs, offsets = npz["docs"].copy(), npz["offsets"]
    longest = int(np.argmax(np.diff(offsets)))
    span = slice(offsets[longest], offsets[longest + 1])
    docs[span] = docs[span][::-1]
    _rewrite(path, docs=docs)


def _sentence_term_out_of_range(path: Path) -> None:
    with np.load(path) as npz:
        terms = npz["sentence_terms"].copy()
    terms[-1] = 10**6
    _rewrite(path, sentence_terms=terms)


def _sentences_cut_short(path: Path) -> None:
    with np.load(path) as npz:
        _rewrite(path, sentences=npz["sentences"][:-1])


@pytest.mark.parametrize("damage", [_flip_a_byte, _truncate, _garbage, _empty, _wrong_shapes,
                                    _passage_out_of_range, _wrong_dtype, _missing_array, _pickled,
                                    _unsorted_postings, _sentence_term_out_of_range, _sentences_cut_short])
def test_a_corrupt_cache_is_never_trusted(corpus_copy, builds, caplog, damage):
    cached_scores(corpus_copy)
    damage(cache_file(corpus_copy))
    with caplog.at_level(logging.WARNING, logger="bot.engine.index_cache"):
        scores = cached_scores(corpus_copy)
    assert len(builds) == 2, "the damaged cache was used"
    assert "corrupt" in caplog.text or "unreadable" in caplog.text
    assert_same(scores, fresh_scores(corpus_copy))
    # ... and it was replaced by a good one.
    cached_scores(corpus_copy)
    assert len(builds) == 2


def test_an_unwritable_corpus_folder_falls_back_to_the_user_cache(corpus_copy, builds, user_cache):
    (corpus_copy / CACHE_FOLDER).write_text("a file where the cache folder should be")
    first = cached_scores(corpus_copy)
    assert len(list(user_cache.glob("index-*.npz"))) == 1
    second = cached_scores(corpus_copy)
    assert len(builds) == 1
    assert_same(first, second)


def test_nowhere_writable_still_answers(corpus_copy, builds, user_cache, caplog):
    (corpus_copy / CACHE_FOLDER).write_text("blocked")
    user_cache.parent.mkdir(parents=True)
    user_cache.write_text("blocked too")
    with caplog.at_level(logging.WARNING, logger="bot.engine.index_cache"):
        scores = cached_scores(corpus_copy)
    assert "cannot write" in caplog.text
    assert_same(scores, fresh_scores(corpus_copy))


def test_the_configured_cache_folder_is_used(corpus_copy, tmp_path, builds):
    from bot.engine.library import Library

    folder = tmp_path / "elsewhere"
    settings = SimpleNamespace(index_cache_dir=folder)
    first = Library.load(corpus_copy, settings)
    assert len(list(folder.glob("index-*.npz"))) == 1
    assert not (corpus_copy / CACHE_FOLDER).exists()
    second = Library.load(corpus_copy, settings)
    assert len(builds) == 1
    for question in ("how old is elon", "What did LeCun say about publishing papers?"):
        assert first.answers.ask(question) == second.answers.ask(question)


def test_a_warm_engine_answers_without_analysing_passages(corpus_copy, monkeypatch):
    from bot.engine.library import Library

    Library.load(corpus_copy)
    library = Library.load(corpus_copy)
    analysed: list[str] = []
    real = Analyzer.tokens
    monkeypatch.setattr(Analyzer, "tokens", lambda self, text: analysed.append(text) or real(self, text))
    answer = library.answers.ask("What did LeCun say about publishing papers?")
    assert answer.answered and answer.results[0].best_sentence
    assert analysed == [], "sentences were analysed again at question time"


def test_cached_sentences_match_fresh_ones(corpus_copy):
    cached = load_index(*open_corpus(corpus_copy))
    cached = load_index(*open_corpus(corpus_copy))
    fresh = fresh_index(corpus_copy)
    assert all(cached.sentence_terms(d) == fresh.sentence_terms(d) for d in range(fresh.size))
