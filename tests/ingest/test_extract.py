"""Extraction: article text and metadata in, page furniture out."""
from __future__ import annotations

import pytest

from bot.ingest import IngestError
from bot.ingest.extract import (Draft, draft_from_html, draft_from_text, drop_repeated_title, read_source,
                                source_from_url, take_first_line_as_title)
from tests.ingest.helpers import (FENWICK, FENWICK_BOILERPLATE, FENWICK_HEADINGS, FENWICK_PARAGRAPHS, FENWICK_TITLE,
                                  FENWICK_URL, KESTREL, KESTREL_BOILERPLATE, KESTREL_TITLE, KESTREL_URL,
                                  SECTION_FRONT)


def test_saved_page_gives_the_article_text_verbatim_with_subheadings_and_metadata():
    draft = read_source(str(FENWICK))
    assert draft.paragraphs == FENWICK_PARAGRAPHS
    assert [b for b in draft.blocks if b.startswith("#")] == FENWICK_HEADINGS
    # Headings stay where they were: each one before the paragraphs under it.
    assert draft.blocks.index(FENWICK_HEADINGS[0]) == 2 and draft.blocks.index(FENWICK_HEADINGS[1]) == 5
    assert (draft.title, draft.source, draft.url, draft.author, draft.published) == (
        FENWICK_TITLE, "The Fenwick Review", FENWICK_URL, "Harriet Okonkwo-Bale", "2024-05-30")


@pytest.mark.parametrize("page, boilerplate", [(FENWICK, FENWICK_BOILERPLATE), (KESTREL, KESTREL_BOILERPLATE)])
def test_navigation_ads_share_boxes_related_links_and_comments_are_left_out(page, boilerplate):
    body = "\n\n".join(read_source(str(page)).blocks)
    leaked = [phrase for phrase in boilerplate if phrase in body]
    assert leaked == []


def test_the_headline_is_the_title_not_a_subheading():
    draft = read_source(str(KESTREL))
    assert draft.title == KESTREL_TITLE
    assert all(KESTREL_TITLE not in block for block in draft.blocks)
    assert draft.blocks[2] == "# Sarcasm was the most common tone"
    assert draft.url == KESTREL_URL and draft.source == "Kestrel Weekly" and draft.published == "2024-06-02"


def test_a_page_without_an_article_is_refused():
    with pytest.raises(IngestError, match="no article text found"):
        read_source(str(SECTION_FRONT))


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02 not html at all", b"<html><body><p>Hi.</p></body></html>"])
def test_empty_or_junk_html_is_refused_with_a_reason(content):
    with pytest.raises(IngestError, match="no article text found|cannot parse"):
        draft_from_html(content, where="junk.html")


def test_unsupported_files_and_schemes_are_refused(tmp_path):
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.7")
    with pytest.raises(IngestError, match="expected a .html/.htm page"):
        read_source(str(tmp_path / "paper.pdf"))
    with pytest.raises(IngestError, match="only http and https"):
        read_source("ftp://example.com/article.html")
    with pytest.raises(IngestError, match="cannot read .*No such file"):
        read_source(str(tmp_path / "missing.md"))
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(IngestError, match="not UTF-8"):
        read_source(str(tmp_path / "latin1.txt"))


def test_text_file_first_line_is_the_title_unless_given():
    draft = draft_from_text("# The title\n\nFirst paragraph.\n\n## Sub\n\nSecond.\n", where="a.md")
    assert take_first_line_as_title(draft).title == "The title"
    assert take_first_line_as_title(draft).blocks == ["First paragraph.", "## Sub", "Second."]
    given = draft.with_overrides(title="The title", source="Paper")
    assert drop_repeated_title(given).blocks == ["First paragraph.", "## Sub", "Second."]
    other = draft.with_overrides(title="Another title")
    assert drop_repeated_title(other).blocks[0] == "# The title"


def test_a_file_already_in_corpus_format_keeps_its_front_matter():
    text = "---\ntitle: T\nsource: S\nurl: https://example.org/t\npublished: 2024-05-28\n---\n\nBody one.\n\nBody two.\n"
    draft = draft_from_text(text, where="t.md")
    assert (draft.title, draft.source, draft.url, draft.published) == ("T", "S", "https://example.org/t", "2024-05-28")
    assert draft.paragraphs == ["Body one.", "Body two."]
    assert draft.with_overrides(source="  Better name ", title="").source == "Better name"
    assert draft.with_overrides(title="").title == "T"  # an empty flag is no flag


def test_source_from_url_is_the_host_name():
    assert source_from_url("https://www.venturebeat.com/ai/x") == "venturebeat.com"
    assert source_from_url(None) is None
    assert Draft(blocks=["# h", "p"]).paragraphs == ["p"]
