from pathlib import Path

import pytest

from bot.engine.corpus import CorpusError, load_corpus, parse_article
from tests.conftest import CORPUS, SEEDS

GOOD = """---
title: A title
source: A paper
url: https://example.org/a
published: 2024-05-28
---

First paragraph, which
wraps over two lines.

# A heading

Second paragraph.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parses_front_matter_paragraphs_and_headings(tmp_path):
    article = parse_article(write(tmp_path, "a.md", GOOD))
    assert (article.title, article.source, article.url, article.published) == (
        "A title", "A paper", "https://example.org/a", "2024-05-28")
    assert [p.text for p in article.passages] == ["First paragraph, which wraps over two lines.", "Second paragraph."]
    assert [p.paragraph for p in article.passages] == [1, 2]
    assert [p.heading for p in article.passages] == [None, "A heading"]
    assert article.passages[1].citation.paragraph == 2


@pytest.mark.parametrize("text, reason", [
    ("no front matter\n\nbody", "no front matter"),
    ("---\ntitle: [unclosed\nsource: x\n---\n\nbody", "broken front matter"),
    ("---\nsource: Paper\n---\n\nbody", "missing 'title'"),
    ("---\ntitle: T\n---\n\nbody", "missing 'source'"),
    ("---\ntitle: T\nsource: S\n---\n\n# Only a heading\n", "no paragraphs"),
])
def test_bad_files_are_reported_with_path_and_reason(tmp_path, text, reason):
    path = write(tmp_path, "bad.md", text)
    with pytest.raises(CorpusError) as caught:
        parse_article(path)
    assert reason in caught.value.reason
    assert str(path) in str(caught.value)


def test_load_corpus_skips_bad_files_and_keeps_good_ones(tmp_path):
    write(tmp_path, "good.md", GOOD)
    write(tmp_path, "bad.md", "---\ntitle: T\n---\n\nbody")
    corpus = load_corpus(tmp_path)
    assert [a.slug for a in corpus.articles] == ["good"]
    assert [p.path.name for p in corpus.problems] == ["bad.md"]


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")


def test_bundled_corpus_loads_cleanly():
    corpus = load_corpus(CORPUS)
    assert corpus.problems == []
    assert {a.source for a in corpus.articles} == {"VentureBeat", "Gizmodo (via Quartz)"}
    assert len(corpus.passages) >= 15


# What the scraper brought along that is not the article.
BOILERPLATE = [
    "7 Min Read", "The sands are running out", "See also", "VB event", "AI audit in NYC",
    "Request an invitation", "Share This Article", "Leave a comment", "Leave a Reply",
    "Your email address will not be published", "image 202", "Photo:", "Getty Images",
    "oysters", "Sarah Ferguson", "BEC scam", "Meta Chief AI Scientist Yann LeCun and xAI Founder Elon Musk",
]


def test_bundled_corpus_holds_no_boilerplate():
    text = "\n".join(path.read_text(encoding="utf-8") for path in CORPUS.glob("*.md"))
    for junk in BOILERPLATE:
        assert junk not in text, junk
    assert "\nTechnology\n" not in text


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seeds not beside the checkout")
def test_article_text_is_verbatim_from_the_seeds():
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    for passage in load_corpus(CORPUS).passages:
        assert passage.text in seeds
