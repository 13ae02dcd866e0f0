"""Everything the front ends need, loaded from one corpus folder as one unit,
so a reload can build a new Library aside and swap it in one step."""
from __future__ import annotations

import gc
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.engine.analysis import Analyzer
from bot.engine.answering import AnswerEngine, RetrievalSettings
from bot.engine.corpus import Corpus, CorpusError
from bot.engine.corpus_cache import load_corpus_cached
from bot.engine.index_cache import load_index
from bot.engine.lexicon import Lexicon
from bot.engine.people import People, load_people

log = logging.getLogger(__name__)


@dataclass
class Library:
    corpus: Corpus
    analyzer: Analyzer
    answers: AnswerEngine
    people: People = field(default_factory=People)

    @cached_property
    def quotes(self):
        """The QuoteBook, built on first use: `feudbot ask` never needs it."""
        from bot.engine.quotes import QuoteBook

        return QuoteBook.from_corpus(self.corpus, self.people, analyzer=self.analyzer)

    @property
    def problems(self) -> list[CorpusError]:
        return self.corpus.problems

    @classmethod
    def load(cls, corpus_dir: Path | str, settings=None) -> "Library":
        """Load a corpus folder; raises CorpusError when nothing usable is there."""
        with _collector_paused():
            return cls._load(corpus_dir, settings)

    @classmethod
    def _load(cls, corpus_dir: Path | str, settings) -> "Library":
        corpus = load_corpus_cached(corpus_dir, getattr(settings, "index_cache_dir", None))
        if not corpus.articles:
            reason = "no usable articles" if corpus.problems else "no articles (*.md files)"
            raise CorpusError(corpus.directory, reason)
        people = load_people(corpus.directory)
        analyzer = Analyzer(Lexicon.load(corpus.directory, people))
        retrieval = RetrievalSettings(
            k1=getattr(settings, "bm25_k1", 1.2),
            b=getattr(settings, "bm25_b", 0.75),
            min_matched_share=getattr(settings, "min_matched_share", 0.5),
        )
        index = load_index(corpus, analyzer, retrieval.k1, retrieval.b, getattr(settings, "index_cache_dir", None),
                           workers=getattr(settings, "index_workers", None) or None)
        answers = AnswerEngine(corpus, analyzer, retrieval, index=index)
        return cls(corpus, analyzer, answers, people)


@contextmanager
def _collector_paused():
    """A load makes a few hundred thousand objects that all live on, and the
    cycle collector would walk them over and over as they pile up (a quarter
    of the parse time at 100,000 passages).  The little cyclic garbage a load
    leaves is collected after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
