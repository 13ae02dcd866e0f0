"""Writing into a corpus folder: names, duplicates, atomic writes, removal."""
from __future__ import annotations

import os

import pytest

from bot.ingest import IngestError
from bot.ingest.extract import Draft
from bot.ingest.writer import (article_path, find_duplicate, free_slug, make_slug, normalize_url, remove_article,
                               render, slugify, text_fingerprint, write_article)
from tests.ingest.helpers import folder_state

DRAFT = Draft(title="A “quoted” title: part 2", source="The Paper", url="https://example.org/a?utm_source=x",
              author="A. Writer", published="2024-05-30",
              blocks=["First paragraph says: yes.", "# A heading", "Second paragraph #2."])


def test_slugs_follow_the_bundled_articles_style():
    assert make_slug("VentureBeat", "Elon Musk and Yann LeCun’s social media feud") == \
        "venturebeat-elon-musk-and-yann-lecuns-social-media-feud"
    assert slugify("LeCun–Musk: Café") == "lecun-musk-cafe"
    assert len(make_slug("S", "word " * 50)) <= 72 and not make_slug("S", "word " * 50).endswith("-")
    assert make_slug("", "—") == "article"


def test_a_taken_slug_gets_a_number(tmp_path):
    (tmp_path / "a.md").write_text("x")
    (tmp_path / "a-2.md").write_text("x")
    assert free_slug(tmp_path, "a") == "a-3"
    assert free_slug(tmp_path, "b") == "b"


@pytest.mark.parametrize("bad", ["../corpus/x", "a/b", ".hidden", "", "..", "x\\y"])
def test_slugs_given_by_hand_cannot_escape_the_folder(tmp_path, bad):
    with pytest.raises(IngestError, match="not an article slug"):
        article_path(tmp_path, bad)
    assert article_path(tmp_path, "ok.md") == tmp_path / "ok.md"


def test_urls_that_name_one_article_compare_equal():
    same = ["https://www.example.org/a/", "http://example.org/a", "https://EXAMPLE.org/a?utm_source=feed#top"]
    assert len({normalize_url(u) for u in same}) == 1
    assert normalize_url("https://example.org/a?id=1") != normalize_url("https://example.org/a?id=2")


def test_text_fingerprint_ignores_case_quotes_punctuation_and_wrapping():
    a = text_fingerprint(["“Hello,” she said. It’s   fine."])
    b = text_fingerprint(['"hello" she said -- it\'s fine'])
    assert a == b
    assert a != text_fingerprint(["“Hello,” he said. It’s fine."])


def test_render_writes_the_corpus_format_that_the_parser_reads_back(tmp_path):
    path, article = write_article(tmp_path, "a", render(DRAFT))
    assert path == tmp_path / "a.md"
    assert (article.title, article.source, article.url, article.author, article.published) == (
        DRAFT.title, DRAFT.source, DRAFT.url, DRAFT.author, DRAFT.published)
    assert [(p.heading, p.text) for p in article.passages] == [
        (None, "First paragraph says: yes."), ("A heading", "Second paragraph #2.")]
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]  # no temp file left behind
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_an_article_that_would_not_parse_is_never_given_its_name(tmp_path):
    (tmp_path / "keep.md").write_text("---\ntitle: K\nsource: S\n---\n\nKept.\n")
    before = folder_state(tmp_path)
    headings_only = Draft(title="T", source="S", blocks=["# Only a heading"])
    with pytest.raises(IngestError, match="would not load: no paragraphs"):
        write_article(tmp_path, "t", render(headings_only))
    assert folder_state(tmp_path) == before


def test_an_existing_file_is_never_overwritten(tmp_path):
    (tmp_path / "a.md").write_text("original")
    with pytest.raises(IngestError, match="appeared while writing"):
        write_article(tmp_path, "a", render(DRAFT))
    assert (tmp_path / "a.md").read_text() == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_duplicates_by_url_or_by_text_name_the_existing_file(tmp_path):
    write_article(tmp_path, "first", render(DRAFT))
    by_url = Draft(title="Other", source="S", url="http://www.example.org/a/", blocks=["Different words."])
    assert find_duplicate(tmp_path, by_url) == \
        f"already in the corpus as {tmp_path / 'first.md'} (same URL https://example.org/a?utm_source=x)"
    by_text = Draft(title="Other", source="S", blocks=["FIRST paragraph says yes", "# x", "second paragraph 2"])
    assert "first.md (same text)" in find_duplicate(tmp_path, by_text)
    assert find_duplicate(tmp_path, Draft(title="T", source="S", blocks=["Something new."])) is None


def test_a_broken_file_can_still_be_the_duplicate(tmp_path):
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\n\nFirst paragraph says: yes.\n\nSecond paragraph #2.\n")
    assert "broken.md (same text)" in find_duplicate(tmp_path, DRAFT)


def test_remove_takes_the_file_out_and_refuses_unknown_slugs(tmp_path):
    path, _ = write_article(tmp_path, "a", render(DRAFT))
    removed = remove_article(tmp_path, "a")
    assert removed.title == DRAFT.title and not path.exists()
    with pytest.raises(IngestError, match="no article 'a'"):
        remove_article(tmp_path, "a")
    (tmp_path / "bad.md").write_text("no front matter")
    assert remove_article(tmp_path, "bad.md") == tmp_path / "bad.md"
    assert list(tmp_path.iterdir()) == []
