"""The parsed corpus on disk, so a restart skips parsing every article.

Parsing is most of a warm restart on a big corpus (front matter and
paragraphs of every file: ~0.7 s at 100,000 passages).  The cache is keyed
the way `make` and git's index are: on each file's name, size and
modification time, plus the parser's own source.  A file that changed, was
added or was removed makes the whole cache stale, and the corpus is parsed
afresh.  Only a corpus with no bad files is cached, so every start still
reports the bad ones.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

from bot.engine import corpus as corpus_module
from bot.engine.cache_files import array_text, cache_name, cache_places, text_array, write_npz
from bot.engine.corpus import Article, Corpus, CorpusError, Passage, load_corpus

log = logging.getLogger(__name__)

CACHE_VERSION = 1
_FIELDS = ("title", "source", "url", "author", "published", "digest")


def load_corpus_cached(directory: Path | str, cache_dir: Path | str | None = None) -> Corpus:
    """Like load_corpus, from the cache when no article file changed since it was written."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CorpusError(directory, "corpus folder does not exist")
    key = _files_key(directory)
    places = cache_places(directory, cache_dir)
    name = cache_name("corpus", directory)
    for place in places:
        path = place / name
        if path.is_file():
            try:
                return _read(path, key, directory)
            except Exception as exc:  # a damaged file fails in many ways; none may stop loading
                # Stale is the usual case and not news; damage is worth a line in the log.
                level = logging.DEBUG if isinstance(exc, _Stale) else logging.WARNING
                log.log(level, "corpus cache %s not used (%s); parsing the articles", path, exc)
    corpus = load_corpus(directory)
    if not corpus.problems and corpus.articles:
        arrays = _arrays(corpus, key)
        any(write_npz(place / name, arrays, "corpus") for place in places)
    return corpus


class _Stale(ValueError):
    pass


def _files_key(directory: Path) -> str:
    with os.scandir(directory) as entries:
        files = [e for e in entries if e.name.endswith(".md") and not e.name.startswith(".") and e.is_file()]
        stats = sorted((e.name, st.st_size, st.st_mtime_ns) for e in files for st in [e.stat()])
    parser = hashlib.sha256(Path(corpus_module.__file__).read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps([CACHE_VERSION, parser, stats]).encode()).hexdigest()


def _arrays(corpus: Corpus, key: str) -> dict[str, np.ndarray]:
    articles = [{"name": a.path.name, **{f: getattr(a, f) for f in _FIELDS},
                 "headings": [p.heading for p in a.passages]} for a in corpus.articles]
    texts = [p.text for a in corpus.articles for p in a.passages]
    # Character offsets into one string: slicing it back is far cheaper than JSON.
    offsets = np.cumsum([0] + [len(t) for t in texts], dtype=np.int64)
    return {"key": text_array(key), "articles": text_array(json.dumps(articles, ensure_ascii=False)),
            "texts": text_array("".join(texts)), "offsets": offsets}


def _read(path: Path, key: str, directory: Path) -> Corpus:
    with np.load(path, allow_pickle=False) as npz:
        if array_text(npz["key"]) != key:
            raise _Stale("stale: an article file changed")
        articles = json.loads(array_text(npz["articles"]))
        texts = array_text(npz["texts"])
        offsets = npz["offsets"].tolist()
    if len(offsets) != sum(len(a["headings"]) for a in articles) + 1 or offsets[-1] != len(texts):
        raise ValueError("corrupt: passages do not fit")
    loaded, n = [], 0
    for entry in articles:
        article = Article(path=directory / entry["name"], **{f: entry[f] for f in _FIELDS})
        for paragraph, heading in enumerate(entry["headings"], 1):
            article.passages.append(Passage(article, paragraph, heading, texts[offsets[n]:offsets[n + 1]]))
            n += 1
        loaded.append(article)
    return Corpus(directory, loaded, [])
