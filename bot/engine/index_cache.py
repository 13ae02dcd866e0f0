"""The passage index on disk, so that a restart with an unchanged corpus skips
analysing and indexing it (a first load at 100,000 passages takes ~7.5 s on
two cores, most of it analysis, where reading the cache back takes ~0.1 s;
see benchmarks/).

Each corpus folder gets one NumPy .npz file (read with allow_pickle=False:
plain arrays, no pickle), holding the postings, each sentence's terms and the
key they were built for: a hash of the articles, of how they are analysed
(synonyms and people tables, stop words, the source of the analyser and of
the sentence splitter) and of CACHE_VERSION.  A file with another key is
stale; one that cannot be read (zip CRC-32 mismatch, truncation) or whose
arrays do not fit together is corrupt.  Either is logged, rebuilt and
replaced, never trusted.  A file is written aside and renamed into place, so
readers never see half of one.

The file lives in settings.index_cache_dir if set, else in `.feudbot-cache/`
inside the corpus folder, else (the folder is read-only) in ~/.cache/feudbot.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from pathlib import Path

import numpy as np

from bot.engine import analysis, indexing, lexicon, sentences
from bot.engine.analysis import Analyzer
from bot.engine.cache_files import cache_name, cache_places, write_npz
from bot.engine.corpus import Corpus
from bot.engine.index import PassageIndex, Postings
from bot.engine.indexing import build_postings

log = logging.getLogger(__name__)

# Bump when the postings, or what is indexed for a passage, change.
CACHE_VERSION = 2
_ARRAYS = {"offsets": np.int64, "docs": np.int32, "freqs": np.int32, "lengths": np.int32,
           "sentences": np.int64, "sentence_offsets": np.int64, "sentence_terms": np.int32}


class CorruptCache(Exception):
    pass


def load_index(corpus: Corpus, analyzer: Analyzer, k1: float = 1.2, b: float = 0.75,
               cache_dir: Path | str | None = None, workers: int | None = None) -> PassageIndex:
    """The corpus's index: from the cache when it is current, else built (by
    `workers` processes at most, see indexing.py) and cached."""
    postings = cached_postings(corpus, analyzer, cache_dir, workers)
    return PassageIndex.from_postings(postings, k1=k1, b=b)


def cached_postings(corpus: Corpus, analyzer: Analyzer, cache_dir: Path | str | None = None,
                    workers: int | None = None) -> Postings:
    key = cache_key(corpus, analyzer)
    passages = corpus.passages
    name = cache_name("index", corpus.directory)
    places = cache_places(corpus.directory, cache_dir)
    for place in places:
        path = place / name
        if not path.is_file():
            continue
        try:
            return read_postings(path, key, len(passages))
        except CorruptCache as problem:
            log.warning("index cache %s %s; rebuilding the index", path, problem)
    postings = build_postings(passages, analyzer, workers)
    for place in places:
        if write_postings(place / name, key, postings):
            break
    else:
        log.warning("cannot write the index cache in %s; the next start will index again",
                    " or ".join(map(str, places)))
    return postings


def cache_key(corpus: Corpus, analyzer: Analyzer) -> str:
    """Changes whenever an article, or the way articles are analysed, does."""
    analysis_settings = {
        "lexicon": asdict(analyzer.lexicon),
        "stop_words": sorted(analysis.stop_words()),
        # The analyser's code: its owners need not remember to bump CACHE_VERSION.
        "code": [_source_hash(module) for module in (analysis, indexing, lexicon, sentences)],
    }
    digest = hashlib.sha256(f"feudbot index v{CACHE_VERSION}\0{corpus.fingerprint()}\0".encode())
    digest.update(json.dumps(analysis_settings, sort_keys=True, ensure_ascii=False, default=repr).encode())
    return digest.hexdigest()


def read_postings(path: Path, key: str, passages: int) -> Postings:
    """Postings for `key` from `path`; raises CorruptCache (saying why) unless every check passes."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in ("key", "terms", *_ARRAYS)}
    except Exception as exc:  # a bad file may fail in many ways; none may stop the bot
        raise CorruptCache(f"is unreadable ({exc.__class__.__name__}: {exc})") from None
    if arrays["key"].tobytes().decode("ascii", "replace") != key:
        raise CorruptCache("is stale (the articles or their analysis changed)")
    for name, dtype in _ARRAYS.items():
        if arrays[name].dtype != dtype or arrays[name].ndim != 1:
            raise CorruptCache(f"is corrupt ({name} has the wrong type)")
    try:
        text = arrays["terms"].tobytes().decode("utf-8")
    except UnicodeDecodeError:
        raise CorruptCache("is corrupt (terms are not UTF-8)") from None
    terms = text.split("\n") if text else []
    postings = Postings(terms, *(arrays[name] for name in _ARRAYS))
    misfit = _misfit(postings, passages)
    if misfit:
        raise CorruptCache(f"is corrupt ({misfit} do not fit)")
    return postings


def _misfit(p: Postings, passages: int) -> str | None:
    """What in a set of postings does not fit together, if anything."""
    if len(p.lengths) != passages or (passages and p.lengths.min() < 0):
        return "passage lengths"
    if len(p.offsets) != len(p.terms) + 1 or len(set(p.terms)) != len(p.terms):
        return "term counts"
    if p.offsets[0] != 0 or p.offsets[-1] != len(p.docs) or len(p.freqs) != len(p.docs):
        return "posting counts"
    if np.any(np.diff(p.offsets) <= 0):
        return "term offsets"
    if len(p.docs) and (p.docs.min() < 0 or p.docs.max() >= passages):
        return "passage numbers"
    # Each term's passages ascend; they may fall only where the next term starts.
    starts = np.zeros(len(p.docs), dtype=bool)
    starts[p.offsets[:-1]] = True
    if np.any((np.diff(p.docs) <= 0) & ~starts[1:]):
        return "posting orders"
    if (len(p.freqs) and p.freqs.min() < 1) or p.freqs.sum(dtype=np.int64) != p.lengths.sum(dtype=np.int64):
        return "term frequencies"
    if (len(p.sentences) != passages + 1 or p.sentences[0] != 0 or np.any(np.diff(p.sentences) < 0)
            or p.sentences[-1] != len(p.sentence_offsets) - 1):
        return "sentence counts"
    if (p.sentence_offsets[0] != 0 or np.any(np.diff(p.sentence_offsets) < 0)
            or p.sentence_offsets[-1] != len(p.sentence_terms)):
        return "sentence offsets"
    if len(p.sentence_terms) and (p.sentence_terms.min() < 0 or p.sentence_terms.max() >= len(p.terms)):
        return "sentence terms"
    return None


def write_postings(path: Path, key: str, postings: Postings) -> bool:
    """Write atomically (a temporary file renamed into place); False if the folder is not writable."""
    terms = "\n".join(postings.terms)
    if terms.count("\n") != max(len(postings.terms) - 1, 0):
        log.warning("a term holds a line break; the index is not cached")
        return False
    arrays = {name: np.ascontiguousarray(getattr(postings, name), dtype=dtype) for name, dtype in _ARRAYS.items()}
    arrays["key"] = np.frombuffer(key.encode("ascii"), dtype=np.uint8)
    arrays["terms"] = np.frombuffer(terms.encode("utf-8"), dtype=np.uint8)
    return write_npz(path, arrays, "index")


def _source_hash(module) -> str:
    try:
        return hashlib.sha256(Path(module.__file__).read_bytes()).hexdigest()
    except (OSError, TypeError):
        return getattr(module, "__name__", "?")
