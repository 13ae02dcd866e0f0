"""Text analysis, the same for passages and questions.

normalise -> split into words -> stem -> map phrases (aliases, synonyms)
-> drop stop words.  Passages also get answer-type markers ("#age",
"#money", ...) for the values they hold; questions get them for what they ask
("how old", "how much"), so the two meet in the index like ordinary terms.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import Stemmer

from bot.engine.lexicon import Lexicon

# Long questions are cut here: no real question is longer, and it bounds the
# work a pasted wall of text can cause.
MAX_QUESTION_CHARS = 2000

_PUNCTUATION = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
})

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_POSSESSIVE = re.compile(r"'s\b")
_WEB_NAME = re.compile(r"[a-z0-9]+\.(?:com|org|net|ai|io)")

# Capitalised, as news writes them: "may" the verb is no date.
_MONTHS = ("January February March April May June July August September October "
           "November December").split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

# Markers are written with '#', which the word pattern never yields, so they
# cannot collide with a real word.  One pattern finds the values written with
# digits in one pass (only text with a digit needs it); its matches never
# overlap, so a number inside an amount, an age or a year is not counted
# again, and "Musk, 52," names whose age it is.
_NUMERIC_MARKERS = re.compile(
    r"(?P<money>\$\s?\d[\d,.]*|\b\d[\d,.]*\s*(?:dollars|USD|euros)\b)"
    r"|(?P<age>\b(?P<who>[A-Z][\w'-]+), (?:1[0-9]|[2-9][0-9]|10[0-9]),|\b\d{1,3}-year-old\b|\baged \d{1,3}\b)"
    r"|(?P<date>\b(?:1[89]|20)\d\d\b)"
    r"|(?P<count>(?<![\w$.,])\d[\d,]*(?:\.\d+)?(?![\w$]))")
_DIGIT = re.compile(r"\d")
# (The lookahead lets the search skip most places after one test.)
_DATE_WORDS = re.compile(r"\b(?=[ADFJMNOSTW])(?:%s)\b" % "|".join(_MONTHS + _WEEKDAYS))


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    text = resources.files("bot.engine").joinpath("stopwords.txt").read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(word for line in lines for word in line.split())


def normalise(text: str) -> str:
    """Unicode-normalise, unify quotes and dashes, and strip accents."""
    if text.isascii():  # most text: NFKC leaves ASCII alone, and only the backtick is unified
        return text.replace("`", "'") if "`" in text else text
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    if text.isascii():  # nothing to strip, and the slow loop below is skipped
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def split_words(text: str) -> list[str]:
    """Lower-cased words; possessives dropped, hyphenated words split."""
    text = text.lower().replace("-", " ")
    if "'" in text:
        text = _POSSESSIVE.sub("", text)
    words = _WORD.findall(text)
    joined = " ".join(words)  # (one look at every word, cheaper than a loop)
    if "'" not in joined and "." not in joined:  # most text: no word needs mending
        return words
    for n, word in enumerate(words):
        if "'" in word:
            words[n] = word = word.replace("'", "")
        # "x.com" stays one word; "U.S." and "a.i." lose their dots.
        if "." in word and not _WEB_NAME.fullmatch(word):
            words[n] = word.replace(".", "")
    return words


class Analyzer:
    # Stems are remembered per word: news text repeats its words, and a dict
    # lookup is several times cheaper than Snowball.  Past this many words the
    # memory is dropped, so a stream of odd questions cannot grow it forever.
    MAX_REMEMBERED_STEMS = 500_000

    def __init__(self, lexicon: Lexicon | None = None, language: str = "english") -> None:
        self.language = language
        self._stemmer = Stemmer.Stemmer(language, 0)  # (its own cache is slower than the dict below)
        self._stems_of: dict[str, str] = {}
        # Stop words and stray letters, which are dropped from the terms.
        self._dropped = stop_words() | frozenset("abcdefghijklmnopqrstuvwxyz")
        self.lexicon = lexicon or Lexicon.empty()
        tables = self.lexicon.compile(self._stem_words)
        # One table per side, earlier kinds winning, and for each first word
        # the lengths of the phrases it starts, longest first: most words
        # start no phrase, and cost one lookup.
        self._side_tables = {}
        for hints, kinds in ((True, ("hint", "name", "synonym", "description")),
                             (False, ("name", "synonym", "description"))):
            merged: dict[tuple[str, ...], tuple[str, str]] = {}
            for kind in kinds:
                for key, term in tables[kind].items():
                    merged.setdefault(key, (kind, term))
            lengths: dict[str, set[int]] = {}
            for key in merged:
                lengths.setdefault(key[0], set()).add(len(key))
            self._side_tables[hints] = (merged, {first: sorted(n, reverse=True) for first, n in lengths.items()})

    def __reduce__(self):
        # Worker processes get an analyser built from the same tables (a stemmer cannot be pickled).
        return Analyzer, (self.lexicon, self.language)

    def _stems(self, words: list[str]) -> list[str]:
        stems = list(map(self._stems_of.get, words))
        if None in stems:
            if len(self._stems_of) > self.MAX_REMEMBERED_STEMS:
                self._stems_of = {}
            for n, stem in enumerate(stems):
                if stem is None:
                    stems[n] = self._stems_of[words[n]] = self._stemmer.stemWord(words[n])
        return stems

    def _stem_words(self, text: str) -> list[str]:
        return self._stems(split_words(normalise(text)))

    def tokens(self, text: str) -> list[str]:
        """Terms of a passage, for the index."""
        text = normalise(text)
        return self._terms(text, hints=False) + self._markers(text)

    def query_tokens(self, question: str) -> list[str]:
        """Terms of a question: the same analysis, plus what kind of answer it asks for."""
        return self._terms(normalise(question[:MAX_QUESTION_CHARS]), hints=True)

    def _markers(self, text: str) -> list[str]:
        found = ["#date" for _ in _DATE_WORDS.finditer(text)]
        if not _DIGIT.search(text):
            return found
        for match in _NUMERIC_MARKERS.finditer(text):
            marker = "#" + match.lastgroup if match.lastgroup != "who" else "#age"
            found.append(marker)
            who = match.group("who")
            if who:  # "how old is Elon" prefers Musk's age over LeCun's
                found.extend(f"{marker}@{t}" for t in self._terms(who, hints=False)[:1])
        return found

    def _terms(self, text: str, hints: bool) -> list[str]:
        """Stems with phrases mapped.  A question's synonyms are replaced by
        their group's term; a passage keeps its own words beside that term,
        so a question may use either."""
        raw = split_words(text)
        stems = self._stems(raw)
        dropped = self._dropped
        # What each word gives outside a phrase: its stem, or None for a stop word or stray letter.
        plain = [None if w in dropped else s for w, s in zip(raw, stems)]
        starts = self._side_tables[hints][1]
        out: list[str] = []
        done = 0  # words before this are in `out` already
        # Few words can start a phrase; the stretches between them are
        # copied in bulk, which is most of the text.
        for i in [i for i, stem in enumerate(stems) if stem in starts]:
            if i < done:
                continue
            kind, length, term = self._phrase_at(stems, i, hints)
            if kind is None:
                continue
            out += filter(None, plain[done:i])
            if kind == "description":
                # Words like "Chief AI Scientist" name a person and say what
                # they do; the words themselves still count, so go on from here.
                out += [term, "#role", f"#role@{term}"]
                done = i
                continue
            out.append(term)
            if kind == "synonym" and not hints:
                out += filter(None, plain[i:i + length])
            done = i + length
        out += filter(None, plain[done:])
        return out

    def _phrase_at(self, stems: list[str], i: int, hints: bool) -> tuple[str | None, int, str]:
        """The longest phrase starting at stems[i]: (kind, length, term)."""
        merged, lengths = self._side_tables[hints]
        for length in lengths[stems[i]]:
            found = merged.get(tuple(stems[i:i + length])) if i + length <= len(stems) else None
            if found is not None:
                return found[0], length, found[1]
        return None, 0, ""
