"""Direct quotations in the articles: finding them and saying who said them.

Quote marks are paired per paragraph, with a stack, so nested quotes stay
inside the quote they belong to.  Curly quotes say which way they face;
straight ones and the ’ that doubles as an apostrophe are read from their
neighbours.  Broken punctuation never raises: a quote with no closing mark
runs to the end of its paragraph (and is reported), a closing mark with no
opening one is skipped with a warning.
"""
from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass, field

from bot.engine.attribution import BLANK, ArticleAttributor, speech_verb_soon, PeoplePatterns
from bot.engine.corpus import Article, Citation, Corpus, Passage
from bot.engine.people import People

log = logging.getLogger(__name__)

UNATTRIBUTED = "Unknown"
# "nothing", "doomers", "holiday fun": scare quotes, not statements.
FRAGMENT_MAX_WORDS = 2
SPLIT_SEAM = " … "
# How far before a quote its speaker may be named; bounds the work on run-on text.
ATTRIBUTION_REACH = 600

_DOUBLE_OPEN, _DOUBLE_CLOSE = "“«„", "”»"
_SINGLE_OPEN, _SINGLE_CLOSE = "‘‹", "’›"
_MARKS = _DOUBLE_OPEN + _DOUBLE_CLOSE + _SINGLE_OPEN + _SINGLE_CLOSE + "\"'"
_OPENS_BEFORE = " \t\n([{—–-/" + _DOUBLE_OPEN + _SINGLE_OPEN + "\"'"


@dataclass(frozen=True)
class Quote:
    speaker: str
    text: str
    fragment: bool
    context: str
    citation: Citation
    # False when the article never closes the quote: it runs to the end of its paragraph.
    complete: bool = True
    passage: Passage | None = field(default=None, repr=False, compare=False)

    @property
    def attributed(self) -> bool:
        return self.speaker != UNATTRIBUTED

    @property
    def words(self) -> int:
        return count_words(self.text)

    def to_dict(self) -> dict:
        return {
            "speaker": self.speaker,
            "text": self.text,
            "fragment": self.fragment,
            "context": self.context,
            "citation": self.citation.to_dict(),
        }


@dataclass(frozen=True)
class Span:
    """One top-level quotation: the index of its opening mark and of its
    closing mark (None when it has none and runs to the end)."""
    open: int
    close: int | None

    def end(self, text: str) -> int:
        return len(text) if self.close is None else self.close + 1

    def inner(self, text: str) -> str:
        return text[self.open + 1:len(text) if self.close is None else self.close]


def count_words(text: str) -> int:
    return len(re.findall(r"[\w’'\[\]-]+", text))


# -- pairing ---------------------------------------------------------------

def _role(text: str, i: int) -> tuple[str, str] | None:
    """("open" | "close" | "either", "double" | "single") for the mark at i, or
    None when it is an apostrophe, an inch sign or the like."""
    ch = text[i]
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    opens = before in _OPENS_BEFORE and not after.isspace()
    closes = not before.isspace() and (after.isspace() or not after.isalnum())
    if ch in _DOUBLE_OPEN:
        return "open", "double"
    if ch in _DOUBLE_CLOSE:
        return "close", "double"
    if ch in _SINGLE_OPEN:
        return (None if before.isalnum() and after.isalnum() else ("open", "single"))
    if ch in _SINGLE_CLOSE or ch == "'":
        if before.isalnum() and after.isalnum():
            return None  # don’t, Meta’s
        if ch == "'" and opens:
            return "open", "single"
        return ("close", "single") if closes else None
    if ch == '"':
        if opens and not closes:
            return "open", "double"
        if closes and not opens:
            return "close", "double"
        return "either", "double"
    return None


def pair_quotes(text: str, where: str = "", problems: list[str] | None = None) -> list[Span]:
    """The top-level quotations of a paragraph, in order."""
    ignored: set[int] = set()
    while True:
        spans, notes, unclosed = _pair(text, ignored)
        if unclosed is None:
            break
        # An unclosed single mark is usually an apostrophe (‘90s, 'em):
        # pair again without it rather than quote the rest of the paragraph.
        ignored.add(unclosed)
    for i in sorted(ignored):
        if text[i] in _SINGLE_OPEN:
            notes.append((logging.WARNING, f"single quote mark at character {i} is never closed; skipped"))
    for level, message in notes:
        log.log(level, "%s: %s", where or "text", message)
        if problems is not None:
            problems.append(f"{where}: {message}" if where else message)
    return spans


def _pair(text: str, ignored: set[int]) -> tuple[list[Span], list[tuple[int, str]], int | None]:
    """One pass of pairing: (spans, notes, an unclosed single mark to ignore or None)."""
    stack: list[tuple[int, str, str]] = []  # (index, family, mark)
    spans: list[Span] = []
    notes: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if ch not in _MARKS or i in ignored:
            continue
        role = _role(text, i)
        if role is None:
            continue
        kind, family = role
        open_same = [k for k, (_, fam, _) in enumerate(stack) if fam == family]
        if kind == "either":
            kind = "close" if open_same and stack[open_same[-1]][2] == '"' else "open"
        if kind == "open":
            stack.append((i, family, ch))
            continue
        if not open_same:
            if family == "double":
                notes.append((logging.WARNING, f"closing quote mark at character {i} has no opening mark; skipped"))
            continue  # a lone ’ is an apostrophe ("the players’ union")
        k = open_same[-1]
        for start, fam, _ in stack[k + 1:]:
            if fam == "single":
                return spans, notes, start
            notes.append((logging.WARNING, f"quote opened at character {start} is never closed; "
                                           "read as part of the quote around it"))
        start = stack[k][0]
        del stack[k:]
        if not stack:
            spans.append(Span(start, i))
    for start, family, _ in stack:
        if family == "single":
            return spans, notes, start
    if stack:
        start = stack[0][0]
        notes.append((logging.INFO, f"quote opened at character {start} has no closing mark; "
                                    "it runs to the end of the paragraph"))
        spans.append(Span(start, None))
    return spans, notes, None


def blank_quotes(text: str, spans: list[Span]) -> str:
    """The text with each quotation, marks included, blanked out."""
    chars = list(text)
    for span in spans:
        for i in range(span.open, span.end(text)):
            chars[i] = BLANK
    return "".join(chars)


# -- sentences -------------------------------------------------------------

_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\bMr|\bMrs|\bMs|\bDr|\bProf|\bSt|\bJr|\bInc|\bCo|\bvs|\bU\.S|\bNo)\.$")
_SENTENCE_END = re.compile(r"[.!?][)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9$“‘\"])")


def sentence_bounds(text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """(start, end) of each sentence; never ends one inside a quotation."""
    narrative = blank_quotes(text, spans)
    cuts = []
    for m in _SENTENCE_END.finditer(narrative):
        if not _ABBREVIATION.search(narrative[:m.start() + 1]):
            cuts.append(m.end())
    for span in spans:
        if span.close is None:
            continue
        inner = span.inner(text).rstrip()
        follow = text[span.close + 1:]
        if inner.endswith((".", "!", "?")) and re.match(r"\s+[\"'“‘(\[]?[A-Z0-9“‘\"]", follow):
            # “Why?” Musk asked. — the attribution still belongs to this sentence.
            if inner.endswith(".") or not speech_verb_soon(follow):
                cuts.append(span.close + 1)
    bounds, start = [], 0
    for cut in sorted(set(cuts)):
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return bounds


def _sentence_of(bounds: list[tuple[int, int]], position: int) -> tuple[int, int]:
    k = bisect.bisect_right(bounds, (position, float("inf"))) - 1
    return bounds[max(k, 0)]


# -- extraction ------------------------------------------------------------

def _clean(part: str) -> str:
    part = part.strip()
    return part[:-1].rstrip() if part.endswith(",") else part


def _join(parts: list[str]) -> str:
    text = parts[0]
    for part in parts[1:]:
        text = f"{text}, {part}" if part[:1].islower() else f"{text}{SPLIT_SEAM}{part}"
    return text


def extract_article_quotes(article: Article, people: People, problems: list[str] | None = None,
                           phrases: PeoplePatterns | None = None) -> list[Quote]:
    problems = problems if problems is not None else []
    attributor = ArticleAttributor(people, phrases)
    quotes: list[Quote] = []
    for passage in article.passages:
        where = f"{article.path.name} ¶{passage.paragraph}"
        spans = [s for s in pair_quotes(passage.text, where, problems) if _keep(s, passage.text, where, problems)]
        try:
            quotes.extend(_passage_quotes(passage, spans, attributor))
        except Exception:  # one odd paragraph must not cost the whole corpus its quotes
            log.exception("%s: quotes skipped after an unexpected error", where)
            problems.append(f"{where}: quotes skipped after an unexpected error")
        attributor.earlier.append(blank_quotes(passage.text, spans))
    return quotes


def _passage_quotes(passage: Passage, spans: list[Span], attributor: ArticleAttributor) -> list[Quote]:
    text = passage.text
    if not spans:
        return []
    narrative = blank_quotes(text, spans)
    bounds = sentence_bounds(text, spans)
    quotes: list[Quote] = []
    i = 0
    while i < len(spans):
        mentions = attributor.mentions(narrative)
        group = [spans[i]]
        sentence_start = max(_sentence_of(bounds, spans[i].open)[0], spans[i].open - ATTRIBUTION_REACH)
        speaker = None
        after = attributor.after(narrative, spans[i].close, mentions) if spans[i].close is not None else None
        opens_sentence = not narrative[sentence_start:spans[i].open].strip(" \x00—–-(")
        if after and (opens_sentence or _ends_with_comma(text, spans[i])):
            speaker, clause_end = after
            # “…,” LeCun wrote. “…” — one quote, split by its attribution.
            while (opens_sentence and _ends_with_comma(text, group[-1]) and i + 1 < len(spans)
                   and not text[clause_end:spans[i + 1].open].strip(" .,;:—–")):
                own = _own_attribution(attributor, narrative, spans[i + 1], mentions)
                if own is not None and own[0] != speaker:
                    break  # “…,” LeCun said. “…,” Musk replied. — two quotes
                i += 1
                group.append(spans[i])
                if spans[i].close is None:
                    break
                clause_end = own[1] if own else spans[i].close + 1
        if speaker is None:
            speaker = attributor.before(narrative, spans[i].open, sentence_start, mentions)
        if speaker is None and after and _sentence_of(bounds, spans[i].open)[1] > spans[i].close + 1:
            speaker = after[0]  # “…” LeCun said, without the comma
        quotes.append(_make_quote(passage, text, group, speaker, bounds))
        i += 1
    return quotes


def _keep(span: Span, text: str, where: str, problems: list[str]) -> bool:
    if span.inner(text).strip(" \t,.;:!?—–-"):
        return True
    problems.append(f"{where}: empty quotation at character {span.open}; skipped")
    log.warning("%s: empty quotation at character %d; skipped", where, span.open)
    return False


def _ends_with_comma(text: str, span: Span) -> bool:
    if span.close is None:
        return False
    return span.inner(text).rstrip().endswith(",") or text[span.close + 1:span.close + 2] == ","


def _own_attribution(attributor: ArticleAttributor, narrative: str, span: Span, mentions):
    return None if span.close is None else attributor.after(narrative, span.close, mentions)


def _make_quote(passage: Passage, text: str, group: list[Span], speaker: str | None,
                bounds: list[tuple[int, int]]) -> Quote:
    body = _join([_clean(s.inner(text)) for s in group])
    start = _sentence_of(bounds, group[0].open)[0]
    end = _sentence_of(bounds, group[-1].end(text) - 1)[1]
    return Quote(
        speaker=speaker or UNATTRIBUTED,
        text=body,
        fragment=count_words(body) <= FRAGMENT_MAX_WORDS,
        context=text[start:end].strip(),
        citation=passage.citation,
        complete=group[-1].close is not None,
        passage=passage,
    )


def extract_quotes(corpus: Corpus, people: People, problems: list[str] | None = None) -> list[Quote]:
    """Every direct quotation in the corpus, in reading order."""
    phrases = PeoplePatterns(people)
    quotes: list[Quote] = []
    for article in corpus.articles:
        quotes.extend(extract_article_quotes(article, people, problems, phrases))
    return quotes


def __getattr__(name: str):
    # The searchable collection lives in quotebook.py; importers may still
    # ask for it here (`from bot.engine.quotes import QuoteBook`).
    if name == "QuoteBook":
        from bot.engine.quotebook import QuoteBook

        return QuoteBook
    raise AttributeError(name)
