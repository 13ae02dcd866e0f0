"""`feudbot quote`, `feudbot speakers` and /quote in chat."""
from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

from bot.cli.quotes_cli import (DEFAULT_LIMIT, chat_quote_reply, parse_chat_quote, quote_command,
                                speakers_command)
from bot.engine.corpus import load_corpus
from bot.engine.people import load_people
from bot.engine.quotebook import QuoteBook

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def book() -> QuoteBook:
    return QuoteBook.from_corpus(load_corpus(CORPUS), load_people(CORPUS), rng=random.Random(7))


def run(book, speaker=None, about=None, show_all=False, random_pick=False, as_json=False):
    out, err = io.StringIO(), io.StringIO()
    code = quote_command(book, speaker, about, show_all, random_pick, as_json, out, err)
    return code, out.getvalue(), err.getvalue()


def run_json(book, **options) -> list[dict]:
    code, out, err = run(book, as_json=True, **options)
    assert code == 0 and not err
    data = json.loads(out)
    assert list(data) == ["quotes"]
    return data["quotes"]


def test_default_shows_the_best_quotes_without_fragments(book):
    quotes = run_json(book)
    assert 0 < len(quotes) <= DEFAULT_LIMIT
    assert not any(q["fragment"] for q in quotes)
    assert quotes[0]["text"].startswith("Join xAI")  # the longest


def test_all_lists_every_quote_and_marks_fragments(book):
    quotes = run_json(book, show_all=True)
    assert len(quotes) == len(book.quotes)
    assert {q["text"] for q in quotes if q["fragment"]} >= {"nothing", "holiday fun", "doomers"}
    code, out, _ = run(book, show_all=True)
    assert code == 0 and "Elon Musk (fragment): “nothing”" in out


def test_json_quote_shape(book):
    [quote] = run_json(book, speaker="head of whatsapp")
    assert quote == {
        "speaker": "head of WhatsApp",
        "text": "This is not correct",
        "fragment": False,
        "context": "The head of WhatsApp responded directly to Musk saying, “This is not correct” "
                   "and that the company takes security seriously.",
        "citation": {"title": "Elon Musk Is Fighting With Meta’s Chief AI Scientist",
                     "source": "Gizmodo (via Quartz)",
                     "url": "https://qz.com/elon-musk-x-meta-ai-scientist-yann-lecun-1851504331",
                     "paragraph": 6},
    }


@pytest.mark.parametrize("typed", ["yann", "LECUN", "Yann LeCun", "Meta’s Chief AI Scientist"])
def test_speaker_is_case_insensitive_and_goes_through_aliases(book, typed):
    quotes = run_json(book, speaker=typed, show_all=True)
    assert quotes and {q["speaker"] for q in quotes} == {"Yann LeCun"}


def test_unknown_speaker_is_one_line_naming_the_known_ones(book):
    code, out, err = run(book, speaker="Sam Altman")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Sam Altman" in err
    for name, _ in book.speakers():
        assert name in err


def test_about_ranks_by_relevance(book):
    quotes = run_json(book, about="LeCun on Musk's politics")
    assert "vengeful politics" in quotes[0]["text"]
    code, out, _ = run(book, about="quantum knitting")
    assert code == 0 and "No quotes about" in out


def test_random_picks_one(book):
    quotes = run_json(book, speaker="musk", random_pick=True)
    assert len(quotes) == 1 and quotes[0]["speaker"] == "Elon Musk" and not quotes[0]["fragment"]


def test_text_output_cites_article_and_paragraph(book):
    code, out, _ = run(book, speaker="delangue")
    assert code == 0
    assert "[1] Clem Delangue: “" in out and "¶8" in out and "VentureBeat" in out


def test_unclosed_quote_is_flagged_in_text_output(book):
    _, out, _ = run(book, about="too early to regulate existential risks")
    assert "never closes this quote" in out


def test_speakers_lists_counts(book):
    out = io.StringIO()
    assert speakers_command(book, out, io.StringIO()) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Yann LeCun") and lines[0].endswith("quotes")
    assert len(lines) == len(book.speakers())
    out = io.StringIO()
    speakers_command(book, out, io.StringIO(), as_json=True)
    assert json.loads(out.getvalue())["speakers"][0] == {"name": "Yann LeCun", "quotes": book.speakers()[0][1]}


def test_commands_accept_a_library_too(book):
    class Library:
        quotes = book

    out = io.StringIO()
    assert quote_command(Library(), "musk", None, False, False, True, out, io.StringIO()) == 0
    assert json.loads(out.getvalue())["quotes"]


@pytest.mark.parametrize("line, parsed", [
    ("/quote", (None, None)),
    ("/quote speaker:Yann LeCun about:his politics", ("Yann LeCun", "his politics")),
    ("/quote about:WhatsApp data speaker:musk", ("musk", "WhatsApp data")),
    ("/QUOTE Speaker: yann   About:  research ", ("yann", "research")),
    ('/quote speaker:"head of WhatsApp"', ("head of WhatsApp", None)),
    ("/quote speaker: about:x", (None, "x")),
    ("/quote politics", (None, "politics")),
    ("/quotes", None),
    ("what did LeCun say", None),
])
def test_parse_chat_quote(line, parsed):
    assert parse_chat_quote(line) == parsed


def test_chat_reply(book):
    reply = chat_quote_reply(book, "/quote speaker:lecun about:politics")
    assert reply.startswith("[1] Yann LeCun: “I like his cars")
    assert chat_quote_reply(book, "/quote delangue").startswith("[1] Clem Delangue")
    assert chat_quote_reply(book, "/quote speaker:nobody").startswith("Unknown speaker “nobody”")
    assert chat_quote_reply(book, "/speakers").splitlines()[0].startswith("Yann LeCun")
