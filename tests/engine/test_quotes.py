"""Quote extraction and attribution, measured against hand-checked gold lists.

    python3 -m pytest tests/engine/test_quotes.py -k gold -s -q

prints precision and recall on the two corpus articles.
"""
from __future__ import annotations

import json
import logging
import random
import re
from pathlib import Path

import pytest

from bot.engine.corpus import Article, Passage, load_corpus
from bot.engine.people import People, Person, load_people
from bot.engine.quotebook import QuoteBook
from bot.engine.quotes import UNATTRIBUTED, Quote, extract_article_quotes, extract_quotes, pair_quotes

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
FIXTURE = ROOT / "tests" / "fixtures" / "quotes"
GOLD = Path(__file__).with_name("quotes_gold.json")


def norm(text: str) -> str:
    """Words only: case, punctuation, quote marks and a split quote's seam don't count."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    return " ".join(re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text))


def score(quotes: list[Quote], gold: list[dict], slug_of=lambda q: q.passage.article.slug) -> dict:
    """Match extracted quotes to gold by article, paragraph and words."""
    wanted = {(g.get("article", ""), g["paragraph"], norm(g["text"])): g for g in gold}
    correct, found, wrong_speaker, extra, fragment_mismatch = [], [], [], [], []
    for q in quotes:
        key = (slug_of(q), q.citation.paragraph, norm(q.text))
        g = wanted.get(key)
        if g is None:
            extra.append(q)
            continue
        found.append(q)
        expected = g["speaker"] or UNATTRIBUTED
        (correct if q.speaker == expected else wrong_speaker).append((q, expected))
        if q.fragment != g["fragment"]:
            fragment_mismatch.append(q)
    seen = {(slug_of(q), q.citation.paragraph, norm(q.text)) for q in quotes}
    missed = [g for k, g in wanted.items() if k not in seen]
    return {
        "precision": len(correct) / len(quotes) if quotes else 0.0,
        "recall": len(correct) / len(gold) if gold else 0.0,
        "correct": correct, "wrong_speaker": wrong_speaker, "extra": extra, "missed": missed,
        "fragment_mismatch": fragment_mismatch, "extracted": len(quotes), "gold": len(gold),
    }


def report(name: str, result: dict) -> str:
    lines = [f"{name}: {result['gold']} gold quotes, {result['extracted']} extracted, "
             f"{len(result['correct'])} found with the right speaker — "
             f"precision {result['precision']:.3f}, recall {result['recall']:.3f}"]
    lines += [f"  wrong speaker: {q.speaker!r} (want {want!r}) for “{q.text[:60]}”" for q, want in result["wrong_speaker"]]
    lines += [f"  not in gold: ¶{q.citation.paragraph} {q.speaker}: “{q.text[:60]}”" for q in result["extra"]]
    lines += [f"  missed: ¶{g['paragraph']} {g['speaker']}: “{g['text'][:60]}”" for g in result["missed"]]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def corpus_quotes() -> list[Quote]:
    return extract_quotes(load_corpus(CORPUS), load_people(CORPUS))


@pytest.fixture(scope="module")
def fixture_quotes() -> list[Quote]:
    return extract_quotes(load_corpus(FIXTURE), load_people(FIXTURE))


def make_article(*paragraphs: str, name: str = "inline.md") -> Article:
    article = Article(path=Path(name), title="Inline", source="Test")
    article.passages.extend(Passage(article, n, None, text) for n, text in enumerate(paragraphs, 1))
    return article


PEOPLE = People([
    Person("Yann LeCun", ("LeCun", "Yann"), ("Meta’s Chief AI Scientist",)),
    Person("Elon Musk", ("Musk", "Elon"), ("the owner of X",)),
])


def quotes_of(*paragraphs: str, people: People = PEOPLE, problems=None) -> list[Quote]:
    return extract_article_quotes(make_article(*paragraphs), people, problems)


# -- the gold lists ----------------------------------------------------------

def test_gold_list_quotes_really_are_in_the_articles():
    """The gold list is checked against the text, so a typo there can't pass as a miss."""
    corpus = load_corpus(CORPUS)
    paragraphs = {(a.slug, p.paragraph): norm(p.text) for a in corpus.articles for p in a.passages}
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["quotes"]
    assert len(gold) >= 20
    for g in gold:
        for part in g["text"].split("…"):
            assert norm(part) in paragraphs[(g["article"], g["paragraph"])], g["text"]


def test_gold_precision_and_recall_on_the_corpus(corpus_quotes):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["quotes"]
    result = score(corpus_quotes, gold)
    print("\n" + report("corpus/*.md", result))
    assert result["recall"] >= 0.95, report("corpus", result)
    assert result["precision"] >= 0.95, report("corpus", result)
    assert not result["fragment_mismatch"]


def test_fixture_article_every_pattern_attributed(fixture_quotes):
    """An invented article and people table: the extractor isn't fitted to the corpus."""
    expected = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))["quotes"]
    result = score(fixture_quotes, expected, slug_of=lambda q: "")
    print("\n" + report("tests/fixtures/quotes", result))
    assert not result["missed"] and not result["extra"] and not result["wrong_speaker"], report("fixture", result)
    assert not result["fragment_mismatch"]


# -- extraction details on the corpus -----------------------------------------

def by_text(quotes: list[Quote], start: str) -> Quote:
    matches = [q for q in quotes if norm(q.text).startswith(norm(start))]
    assert len(matches) == 1, (start, [q.text for q in matches])
    return matches[0]


def test_nested_quotes_stay_inside_the_outer_quote(corpus_quotes):
    outer = by_text(corpus_quotes, "Join xAI")
    assert "‘maximally rigorous pursuit of the truth’" in outer.text
    assert not [q for q in corpus_quotes if norm(q.text) == norm("maximally rigorous pursuit of the truth")]


def test_split_quote_is_one_quote_with_its_sentences_as_context(corpus_quotes):
    q = by_text(corpus_quotes, "Technological wonders")
    assert q.text.endswith("technological progress would slow down.")
    assert "LeCun wrote" in q.context and q.context.startswith("“Technological")
    assert q.citation.paragraph == 6 and q.citation.source == "VentureBeat"


def test_unbalanced_quote_at_end_of_paragraph_is_reported(caplog):
    with caplog.at_level(logging.INFO, logger="bot.engine.quotes"):
        quotes = extract_quotes(load_corpus(CORPUS), load_people(CORPUS))
    q = by_text(quotes, "it’s too early to worry")
    assert q.speaker == "Yann LeCun" and not q.complete
    assert q.text.endswith("“existential risks.”")
    assert any("no closing mark" in r.getMessage() and "¶8" in r.getMessage() for r in caplog.records)


def test_context_is_the_whole_sentence(corpus_quotes):
    q = by_text(corpus_quotes, "This is not correct")
    assert q.context == ("The head of WhatsApp responded directly to Musk saying, “This is not correct” "
                         "and that the company takes security seriously.")


def test_to_dict_shape(corpus_quotes):
    d = corpus_quotes[0].to_dict()
    assert set(d) == {"speaker", "text", "fragment", "context", "citation"}
    assert set(d["citation"]) == {"title", "source", "url", "paragraph"}
    json.dumps(d)


# -- attribution patterns, one by one -----------------------------------------

@pytest.mark.parametrize("paragraph, text, speaker", [
    ("“We ship on Friday,” LeCun said.", "We ship on Friday", "Yann LeCun"),
    ("“We ship on Friday,” LeCun told reporters on Monday.", "We ship on Friday", "Yann LeCun"),
    ("“We ship on Friday,” said Musk.", "We ship on Friday", "Elon Musk"),
    ("Musk said, “We ship on Friday.”", "We ship on Friday.", "Elon Musk"),
    ("Musk had a short answer for LeCun: “We ship on Friday.”", "We ship on Friday.", "Elon Musk"),
    ("Musk told LeCun: “We ship on Friday.”", "We ship on Friday.", "Elon Musk"),
    ("The owner of X replied: “We ship on Friday.”", "We ship on Friday.", "Elon Musk"),
    ("Meta's Chief AI Scientist wrote, “We ship on Friday.”", "We ship on Friday.", "Yann LeCun"),
    ("According to LeCun, “we ship on Friday.”", "we ship on Friday.", "Yann LeCun"),
    ("“We ship on Friday,” according to Musk.", "We ship on Friday", "Elon Musk"),
    ("“We ship on Friday,” said a Tesla spokesperson.", "We ship on Friday", "Tesla spokesperson"),
    ("A spokesperson for Tesla said, “We ship on Friday.”", "We ship on Friday.", "Tesla spokesperson"),
    ("The head of Instagram answered LeCun with “we ship on Friday.”", "we ship on Friday.", "head of Instagram"),
    ("“We ship on Friday,” said Ada Quist, a researcher at Bell Labs.", "We ship on Friday", "Quist"),
    ("Ada Quist, a researcher at Bell Labs, said: “We ship on Friday.”", "We ship on Friday.", "Quist"),
    ("LeCun replied to Musk saying “we ship on Friday.”", "we ship on Friday.", "Yann LeCun"),
    ("“We ship on Friday,” Ms. Jane O’Neill told The Verge.", "We ship on Friday", "O’Neill"),
    ("Dr. Okafor said “we ship on Friday.”", "we ship on Friday.", "Okafor"),
    ("Speaking to CNBC, Jensen Huang said the chips would ship on “Friday.”", "Friday.", "Huang"),
])
def test_attribution_patterns(paragraph, text, speaker):
    [q] = quotes_of(paragraph)
    assert (q.text, q.speaker) == (text, speaker)


def test_pronoun_means_the_person_named_most_recently_before():
    quotes = quotes_of("LeCun was not impressed by Musk.",
                       "Musk answered at once. “Wait and see,” he posted.")
    assert quotes[0].speaker == "Elon Musk"
    quotes = quotes_of("Musk was not impressed by LeCun.", "“Wait and see,” he posted.")
    assert quotes[0].speaker == "Yann LeCun"


def test_unknown_names_become_speakers_under_their_surname_and_are_remembered():
    quotes = quotes_of("“Nobody asked,” said Priya Raman.",
                       "Raman added: “Still nobody.” “Not one,” she said.")
    assert [q.speaker for q in quotes] == ["Raman", "Raman", "Raman"]


def test_scare_quotes_are_fragments_attributed_only_when_the_sentence_says_who():
    quotes = quotes_of("Some call it “hype” and others “progress.” LeCun calls Musk’s fans “doomers”.")
    assert [(q.text, q.fragment, q.speaker) for q in quotes] == [
        ("hype", True, UNATTRIBUTED), ("progress.", True, UNATTRIBUTED), ("doomers", True, "Yann LeCun")]


def test_separate_quotes_with_their_own_speakers_are_not_merged():
    quotes = quotes_of("“Yes,” LeCun said. “No,” Musk said.")
    assert [(q.text, q.speaker) for q in quotes] == [("Yes", "Yann LeCun"), ("No", "Elon Musk")]


def test_quote_split_twice_is_still_one_quote():
    [q] = quotes_of("“One,” LeCun said. “Two,” he added. “Three.”")
    assert q.text == "One … Two … Three." and q.speaker == "Yann LeCun"


def test_continuation_after_comma_joins_with_a_comma():
    [q] = quotes_of("“We will,” LeCun said, “ship on Friday.”")
    assert q.text == "We will, ship on Friday."


def test_question_mark_quote_keeps_its_attribution_in_the_sentence():
    [q] = quotes_of("“Why not?” Musk asked. LeCun had left.")
    assert q.speaker == "Elon Musk" and q.context == "“Why not?” Musk asked."


# -- robustness ----------------------------------------------------------------

def test_pairing_keeps_apostrophes_out_of_quotes():
    text = "LeCun’s reply: “I don’t think Meta’s ‘open’ models are the players’ problem,” he said."
    [span] = pair_quotes(text)
    assert text[span.open] == "“" and text[span.close] == "”"


@pytest.mark.parametrize("paragraph", [
    "“Unclosed from the start",
    "Closing only” here, said LeCun.",
    "“One” “two” “three",
    "“Nested “twice” inside ‘single “double’ mixed",
    "‘90s kids and 'em all, LeCun said “fine”",
    "\"Straight \"quotes\" everywhere\" he said \"",
    "“”",
    "“ ” “,”",
    "’’’‘‘‘“““”””",
    "“" * 50 + "”" * 3,
    "He said “",
])
def test_broken_punctuation_never_crashes(paragraph):
    problems: list[str] = []
    quotes = quotes_of(paragraph, problems=problems)
    assert not [p for p in problems if "unexpected error" in p]
    for q in quotes:
        assert isinstance(q.speaker, str) and q.text


def test_stray_closing_mark_is_skipped_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="bot.engine.quotes"):
        quotes = quotes_of("Musk wrote that LeCun was wrong.” Then “fine,” LeCun said.")
    assert [q.text for q in quotes] == ["fine"]
    assert any("no opening mark" in r.getMessage() for r in caplog.records)


def test_unclosed_quote_runs_to_the_end_of_its_paragraph_only():
    quotes = quotes_of("LeCun posted: “It is too early to regulate. And far too early to panic.",
                       "“Nonsense,” Musk said.")
    assert [(q.text, q.speaker, q.complete) for q in quotes] == [
        ("It is too early to regulate. And far too early to panic.", "Yann LeCun", False),
        ("Nonsense", "Elon Musk", True)]


def test_random_marks_never_crash():
    rng = random.Random(20240526)
    pieces = ["“", "”", "‘", "’", '"', "'", " ", "LeCun", "said", "he", "a", ",", ".", ":", "X", "’s", "\n"]
    for _ in range(400):
        problems: list[str] = []
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        for span in pair_quotes(text):
            assert 0 <= span.open < (span.close if span.close is not None else len(text)) <= len(text)
        quotes_of(text, problems=problems)
        assert not [p for p in problems if "unexpected error" in p], text


# -- the quote book ----------------------------------------------------------------

@pytest.fixture(scope="module")
def book() -> QuoteBook:
    return QuoteBook.from_corpus(load_corpus(CORPUS), load_people(CORPUS), rng=random.Random(1))


def test_speakers_are_canonical_and_counted_without_fragments(book):
    speakers = dict(book.speakers())
    assert set(speakers) == {"Yann LeCun", "Elon Musk", "Clem Delangue", "head of WhatsApp"}
    expected = {}
    for q in book.quotes:
        if not q.fragment:
            expected[q.speaker] = expected.get(q.speaker, 0) + 1
    assert speakers == expected
    counts = [c for _, c in book.speakers()]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("typed, canonical", [
    ("yann", "Yann LeCun"), ("LECUN", "Yann LeCun"), ("Le Cun", "Yann LeCun"), ("elon musk", "Elon Musk"),
    ("Meta's Chief AI Scientist", "Yann LeCun"), ("Meta’s Chief AI Scientist", "Yann LeCun"),
    ("Head of WhatsApp", "head of WhatsApp"), ("whatsapp", "head of WhatsApp"), ("delangue", "Clem Delangue"),
    ("bob", None), ("", None),
])
def test_resolve_speaker(book, typed, canonical):
    assert book.resolve_speaker(typed) == canonical


def test_unknown_speakers_resolve_by_full_name_or_surname():
    corpus = load_corpus(FIXTURE)
    book = QuoteBook.from_corpus(corpus, load_people(FIXTURE))
    assert book.resolve_speaker("Priya Raman") == "Raman" == book.resolve_speaker("raman")
    assert book.resolve_speaker("brightline") is None  # two speakers match: ambiguous
    assert book.resolve_speaker("Brightline spokesperson") == "Brightline spokesperson"
    assert book.speakers()[0] == ("Owen Achterberg", 7)


def test_find_defaults_to_substantive_quotes_without_fragments(book):
    found = book.find()
    assert found and not any(q.fragment for q in found)
    words = [q.words for q in found]
    assert words == sorted(words, reverse=True)
    everything = book.find(include_fragments=True)
    assert len(everything) == len(book.quotes) and any(q.fragment for q in everything)


def test_find_by_speaker_through_aliases(book):
    assert {q.speaker for q in book.find("musk")} == {"Elon Musk"}
    assert book.find("nobody at all") == []


def test_find_about_ranks_by_relevance(book):
    politics = book.find(about="Musk's politics")
    assert politics[0].speaker == "Yann LeCun" and "vengeful politics" in politics[0].text
    whatsapp = book.find(speaker="musk", about="WhatsApp user data")
    assert whatsapp[0].text.startswith("exports your user data")
    assert book.find(about="zebra crossings in Lisbon") == []


def test_random_respects_the_speaker(book):
    picks = {book.random("delangue").text for _ in range(20)}
    assert picks <= {q.text for q in book.find("Clem Delangue")} and picks
    assert book.random("nobody") is None
