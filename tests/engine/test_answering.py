import os
import random

from bot.engine.analysis import Analyzer
from bot.engine.answering import AnswerEngine
from bot.engine.corpus import load_corpus
from tests.engine.test_corpus import write

ARTICLE = """---
title: {title}
source: {source}
---

{body}
"""


def tiny_corpus(tmp_path, articles):
    for number, (source, body) in enumerate(articles):
        write(tmp_path, f"a{number}.md", ARTICLE.format(title=f"Story {number}", source=source, body=body))
    corpus = load_corpus(tmp_path)
    return AnswerEngine(corpus, Analyzer())


def test_answer_has_citation_score_and_best_sentence(library):
    answer = library.answers.ask("Who is Clem Delangue?")
    assert answer.answered and 1 <= len(answer.results) <= 3
    top = answer.results[0]
    assert "Delangue" in top.best_sentence and top.best_sentence in top.text
    assert top.score > 0
    assert top.citation.url.startswith("https://") and top.citation.paragraph >= 1
    data = answer.to_dict()
    assert set(data) == {"question", "answered", "results"}
    assert set(data["results"][0]["citation"]) == {"title", "source", "url", "paragraph"}


def test_top_k_bounds_results(library):
    assert len(library.answers.ask("what did lecun say about musk", top_k=1).results) == 1
    assert len(library.answers.ask("what did lecun say about musk", top_k=5).results) == 5


def test_same_fact_in_both_articles_is_shown_as_corroboration(library):
    answer = library.answers.ask("how many papers has lecun published since january 2022")
    top = answer.results[0]
    assert top.corroborations, "both articles report the 80 papers"
    twin = top.corroborations[0]
    assert twin.source != top.citation.source
    # The corroborating passage is folded in, not repeated as a result of its own.
    assert all((r.citation.source, r.citation.paragraph) != (twin.source, twin.paragraph)
               for r in answer.results)


def test_unrelated_passages_are_not_corroborations(tmp_path):
    engine = tiny_corpus(tmp_path, [
        ("One", "The rocket launched on Tuesday from Texas."),
        ("Two", "The rocket exploded on Friday over the ocean. Nobody was hurt."),
    ])
    assert engine.ask("rocket launch").results[0].corroborations == ()


def test_abstains_when_the_question_is_mostly_unknown_words(library):
    answer = library.answers.ask("what did Musk say about the Super Bowl halftime show?")
    assert not answer.answered and answer.results == () and answer.abstain_reason


def test_abstains_on_empty_analysis(library):
    assert not library.answers.ask("the of and ???").answered


def test_typos_are_mended_to_indexed_words(library):
    assert library.answers.query_terms("lecunn") == library.answers.query_terms("lecun")


def test_huge_and_binary_questions_answer_normally(library):
    random.seed(1)
    junk = os.urandom(50_000).decode("latin-1") + "".join(random.choice("abc \n") for _ in range(50_000))
    for question in (junk, "musk " * 20_000, "\x00\x01\x02"):
        answer = library.answers.ask(question)
        assert answer.answered in (True, False)


def test_titles_and_headings_are_never_passages(library):
    texts = {p.text for p in library.corpus.passages}
    for article in library.corpus.articles:
        assert article.title not in texts
        assert not any(p.heading in texts for p in article.passages if p.heading)
