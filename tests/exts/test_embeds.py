from pathlib import Path

import pytest

from bot.engine.answers import Answer, Result
from bot.engine.corpus import Article, Citation, Passage
from bot.exts import embeds
from bot.exts.embeds import (abstention_embed, answer_embed, fit_embeds, help_embed, link, passage_markdown,
                             quote_embed, sources_embed, truncate, truncate_left)

from ._fake import limits

URL = "https://example.com/a"


def check(*embeds_):
    payload = {"embeds": [e.to_dict() for e in embeds_]}
    assert limits.check_message(payload) == []
    return payload["embeds"]


def citation(title="A title", paragraph=3, url=URL, source="Source"):
    return Citation(title, source, url, paragraph)


def result(text, best, **kw):
    return Result(text=text, score=1.0, best_sentence=best, citation=kw.pop("citation", citation()), **kw)


def article(i=0, passages=2, title=None, url=URL):
    a = Article(path=Path(f"/c/a{i}.md"), title=title or f"Title {i}", source=f"Source {i}", url=url)
    a.passages.extend(Passage(a, n + 1, None, f"paragraph {n}") for n in range(passages))
    return a


# -- text helpers ---------------------------------------------------------------

def test_truncate_cuts_at_a_word_boundary_with_an_ellipsis():
    assert truncate("short", 10) == "short"
    cut = truncate("the quick brown fox jumps", 12)
    assert cut == "the quick…" and len(cut) <= 12
    assert len(truncate("x" * 50, 10)) == 10


def test_truncate_never_leaves_bold_open_or_a_dangling_escape():
    cut = truncate("plain **bold text that goes on and on** tail", 25)
    assert cut.count("**") % 2 == 0 and len(cut) <= 25
    assert not truncate("word \\* word \\" + "y" * 40, 14).rstrip("…").endswith("\\")


def test_truncate_left_keeps_the_end():
    cut = truncate_left("one two three four five six", 12)
    assert cut.startswith("…") and cut.endswith("six") and len(cut) <= 12


def test_link_survives_brackets_and_parentheses():
    text = link("Title [with] brackets", "https://x.org/a_(b)")
    assert text == "[Title (with) brackets](https://x.org/a_%28b%29)"
    assert link("No url", None) == "No url"
    assert link("ftp", "javascript:alert(1)") == "ftp"
    long = link("t" * 2000, "https://x.org/" + "p" * 100, limit=300)
    assert len(long) <= 300 and long.endswith("p)")


# -- answers ---------------------------------------------------------------------

def test_answer_puts_the_best_sentence_in_bold_and_cites_with_the_link():
    text = "First sentence here. The *best* one, with_underscores. Last."
    answer = Answer("what?", (result(text, "The *best* one, with_underscores."),
                              result("Another passage.", "Another passage.")))
    shown = check(answer_embed(answer))[0]
    assert shown["description"] == "First sentence here. **The \\*best\\* one, with\\_underscores.** Last."
    assert shown["fields"][0]["value"] == f"[Source — A title, ¶3]({URL})"
    assert "1 of 2" in shown["footer"]["text"]


def test_corroboration_adds_a_second_citation():
    twin = citation("Other article", 5, "https://example.org/b", "Other")
    answer = Answer("q", (result("A fact.", "A fact.", corroborations=(twin,)),))
    shown = check(answer_embed(answer))[0]
    assert shown["fields"][1]["name"] == "Also reported by"
    assert shown["fields"][1]["value"] == "[Other — Other article, ¶5](https://example.org/b)"


def test_user_markdown_in_the_question_is_shown_literally():
    shown = answer_embed(Answer("**bold** _it_ @everyone", (result("x.", "x."),))).to_dict()
    assert shown["title"] == "\\*\\*bold\\*\\* \\_it\\_ @everyone"


def test_every_limit_holds_for_absurd_answers():
    huge = " ".join(["word"] * 3000) + ". " + "The best sentence " * 300 + ". " + "tail " * 3000
    best = "The best sentence " * 300 + "."
    twins = tuple(citation("T" * 500, n, URL + "/" + "u" * 200) for n in range(40))
    answer = Answer("*" * 300, (result(huge, best, citation=citation("T" * 3000, url=URL + "/" + "x" * 900),
                                       corroborations=twins),) * 3)
    shown = check(answer_embed(answer, 1))[0]
    assert shown["description"].count("**") % 2 == 0
    assert len(shown["title"]) <= 256


def test_a_long_passage_is_trimmed_around_its_best_sentence():
    text = "lead " * 1500 + "Key sentence here. " + "tail " * 1500
    shown = passage_markdown(result(text, "Key sentence here."))
    assert "**Key sentence here.**" in shown
    assert len(shown) <= embeds.DESCRIPTION_LIMIT
    assert shown.startswith("…") and shown.endswith("…")


def test_abstention_names_what_is_covered_and_holds_no_passage():
    articles = [article(0, title="Musk and LeCun feud"), article(1, title="Second report")]
    answer = Answer("best lasagna recipe?", abstain_reason="The articles don't cover that question.")
    shown = check(abstention_embed(answer, articles))[0]
    assert "don't cover" in shown["description"]
    assert "Musk and LeCun feud" in shown["description"] and "Second report" in shown["description"]
    assert "paragraph" not in str(shown)
    assert shown["fields"][0]["value"] == "best lasagna recipe?"


# -- quotes, sources, help ---------------------------------------------------------

class Quote:
    def __init__(self, speaker, text, context=""):
        self.speaker, self.text, self.context, self.fragment = speaker, text, context, False
        self.citation = citation()


def test_quote_shows_speaker_quote_and_citation():
    shown = check(quote_embed(Quote("Yann LeCun", "You don’t seem to understand how research works.")))[0]
    assert shown["title"] == "Yann LeCun"
    assert shown["description"] == "“You don’t seem to understand how research works.”"
    assert shown["fields"][0] == {"name": "Source", "value": f"[Source — A title, ¶3]({URL})", "inline": False}


def test_many_long_quotes_share_the_6000_total():
    many = fit_embeds([quote_embed(Quote("S" * 400, "q " * 3000, "c " * 800)) for _ in range(12)])
    assert len(many) <= 10
    check(*many)


def test_sources_links_every_article_and_stays_within_limits():
    articles = [article(i, title=f"Title {i} " + "x" * 100) for i in range(200)]
    shown = check(sources_embed(articles))[0]
    assert "…and" in shown["description"] and URL in shown["description"]
    small = check(sources_embed([article(0), article(1, url=None)], cited={URL}))[0]
    assert "← cited" in small["description"] and "[Source 1 — Title 1]" not in small["description"]


@pytest.mark.parametrize("channels", [(), (1, 2)])
def test_help_explains_how_to_ask(channels):
    shown = check(help_embed([article(0)], [("Yann LeCun", 10), ("Elon Musk", 4)], channels, (5, 30.0)))[0]
    text = str(shown)
    assert "/ask" in text and "/quote" in text and "Yann LeCun" in text and "5 questions per 30 s" in text
    assert ("<#1>" in text) == bool(channels)
