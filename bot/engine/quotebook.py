"""The searchable collection of quotes behind /quote and `feudbot quote`."""
from __future__ import annotations

import random as _random
import re
from collections import Counter

from bot.engine.corpus import Corpus
from bot.engine.people import People, load_people, name_key
from bot.engine.quotes import Quote, extract_quotes


class QuoteBook:
    def __init__(self, quotes: list[Quote], people: People | None = None, analyzer=None,
                 problems: list[str] | None = None, rng: _random.Random | None = None) -> None:
        self.quotes = list(quotes)  # reading order
        self.people = people or People()
        self.analyzer = analyzer
        # Punctuation trouble met while extracting, for `corpus check` and logs.
        self.problems = list(problems or [])
        self._rng = rng or _random.Random()
        self._index = None

    @classmethod
    def from_corpus(cls, corpus: Corpus, people: People | None = None, analyzer=None,
                    rng: _random.Random | None = None) -> "QuoteBook":
        if people is None:
            people = load_people(corpus.directory)
        problems: list[str] = []
        quotes = extract_quotes(corpus, people, problems)
        if analyzer is None:
            analyzer = _default_analyzer(corpus, people)
        return cls(quotes, people, analyzer, problems, rng)

    # -- speakers -----------------------------------------------------------

    def speakers(self) -> list[tuple[str, int]]:
        """(speaker, number of non-fragment quotes), most quoted first."""
        counts = Counter(q.speaker for q in self.quotes if q.attributed and not q.fragment)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))

    def _all_speakers(self) -> list[str]:
        return list(dict.fromkeys(q.speaker for q in self.quotes if q.attributed))

    def resolve_speaker(self, name: str | None) -> str | None:
        """The canonical speaker a user means: any case, any alias, or an
        unambiguous part of a speaker's name ("whatsapp")."""
        if not name or not name.strip():
            return None
        speakers = self._all_speakers()
        by_key = {name_key(s): s for s in speakers}
        key = name_key(name.strip().lstrip("@"))
        if key in by_key:
            return by_key[key]
        person = self.people.resolve(name)
        if person is not None and name_key(person.name) in by_key:
            return by_key[name_key(person.name)]
        # Someone the people table doesn't know is a speaker under their
        # surname: "Priya Raman" means "Raman".
        surname = key.split()[-1]
        if len(key.split()) > 1 and surname in by_key:
            return by_key[surname]
        words = re.compile(r"(?<!\w)%s(?!\w)" % re.escape(key))
        partial = [s for s in speakers if words.search(name_key(s))]
        return partial[0] if len(partial) == 1 else None

    # -- finding ------------------------------------------------------------

    def find(self, speaker: str | None = None, about: str | None = None,
             include_fragments: bool = False) -> list[Quote]:
        """Quotes by a speaker and/or about a topic.  With `about`, the most
        relevant first (BM25); otherwise the most substantive first."""
        pool = self._pool(speaker, include_fragments)
        if pool is None:
            return []
        if about is None or not about.strip():
            return sorted(pool, key=_substance)
        scores = self._scores(about)
        ranked = [q for q in pool if scores.get(id(q), 0.0) > 0]
        return sorted(ranked, key=lambda q: (-scores[id(q)], _substance(q)))

    def random(self, speaker: str | None = None, about: str | None = None,
               include_fragments: bool = False) -> Quote | None:
        found = self.find(speaker, about, include_fragments)
        return self._rng.choice(found) if found else None

    def _pool(self, speaker: str | None, include_fragments: bool) -> list[Quote] | None:
        quotes = self.quotes if include_fragments else [q for q in self.quotes if not q.fragment]
        if speaker is None:
            return quotes
        canonical = self.resolve_speaker(speaker)
        if canonical is None:
            return None
        return [q for q in quotes if q.speaker == canonical]

    def _scores(self, about: str) -> dict[int, float]:
        if not self.quotes:
            return {}
        if self._index is None:
            from bot.engine.index import PassageIndex

            # The context holds the quote too, so its own words count twice.
            documents = [self.analyzer.tokens(f"{q.context}\n{q.text}") for q in self.quotes]
            self._index = PassageIndex(documents)
        tokens = getattr(self.analyzer, "query_tokens", self.analyzer.tokens)(about)
        scores = self._index.scores(tokens)
        return {id(q): float(s) for q, s in zip(self.quotes, scores)}


def _substance(quote: Quote) -> tuple:
    # Attributed, longer quotes first; reading order breaks ties.
    return (quote.fragment, not quote.attributed, -quote.words)


def _default_analyzer(corpus: Corpus, people: People):
    from bot.engine.analysis import Analyzer
    from bot.engine.lexicon import Lexicon

    return Analyzer(Lexicon.load(corpus.directory, people))
