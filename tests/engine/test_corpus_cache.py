import logging
import os

import pytest

from bot.engine import corpus_cache
from bot.engine.cache_files import CACHE_FOLDER
from bot.engine.corpus import load_corpus
from bot.engine.corpus_cache import load_corpus_cached


def snapshot(corpus):
    return [(a.path, a.title, a.source, a.url, a.author, a.published, a.digest,
             [(p.paragraph, p.heading, p.text) for p in a.passages]) for a in corpus.articles]


@pytest.fixture
def parses(monkeypatch):
    """Counts real parses of the corpus folder."""
    calls = []
    real = corpus_cache.load_corpus
    monkeypatch.setattr(corpus_cache, "load_corpus", lambda d: calls.append(d) or real(d))
    return calls


def test_a_warm_load_equals_a_fresh_parse_without_parsing(corpus_copy, parses):
    first = load_corpus_cached(corpus_copy)
    second = load_corpus_cached(corpus_copy)
    assert len(parses) == 1
    assert snapshot(second) == snapshot(first) == snapshot(load_corpus(corpus_copy))
    assert second.fingerprint() == first.fingerprint()
    assert all(p.article is a for a in second.articles for p in a.passages)


@pytest.mark.parametrize("change", ["edit", "add", "remove"])
def test_any_change_to_the_articles_is_seen(corpus_copy, parses, change):
    load_corpus_cached(corpus_copy)
    target = corpus_copy / "venturebeat-musk-lecun-feud.md"
    if change == "edit":
        target.write_text(target.read_text(encoding="utf-8") + "\nA new closing paragraph.\n", encoding="utf-8")
    elif change == "add":
        (corpus_copy / "extra.md").write_text("---\ntitle: T\nsource: S\n---\n\nNew text.\n", encoding="utf-8")
    else:
        target.unlink()
    assert snapshot(load_corpus_cached(corpus_copy)) == snapshot(load_corpus(corpus_copy))
    assert len(parses) == 2


def test_a_corpus_with_a_bad_file_is_not_cached_so_it_is_always_reported(corpus_copy, parses):
    (corpus_copy / "bad.md").write_text("no front matter\n", encoding="utf-8")
    for _ in range(2):
        assert [p.path.name for p in load_corpus_cached(corpus_copy).problems] == ["bad.md"]
    assert len(parses) == 2


def test_a_corrupt_cache_is_logged_and_replaced(corpus_copy, parses, caplog):
    load_corpus_cached(corpus_copy)
    (path,) = (corpus_copy / CACHE_FOLDER).glob("corpus-*.npz")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path)
    with caplog.at_level(logging.WARNING):
        assert snapshot(load_corpus_cached(corpus_copy)) == snapshot(load_corpus(corpus_copy))
    assert "corpus cache" in caplog.text and len(parses) == 2
    load_corpus_cached(corpus_copy)
    assert len(parses) == 2, "the rewritten cache is used again"
