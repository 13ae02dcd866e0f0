"""`feudbot add` and `feudbot remove`, run as real processes on a scratch copy of the corpus."""
from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.ingest.helpers import (FENWICK, FENWICK_BOILERPLATE, FENWICK_PARAGRAPHS, FENWICK_TITLE, FENWICK_URL,
                                  KESTREL, KESTREL_BOILERPLATE, KESTREL_URL, SECTION_FRONT, folder_state)

ONLY_FENWICK_KNOWS = "What entry number is the LeCun–Musk exchange in Vosberg's ledger?"


def feudbot(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CORPUS_DIR", "TOP_K") and not k.lower().endswith("_proxy")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, env=env, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def ask_json(corpus: Path, question: str) -> dict:
    result = feudbot("--corpus", str(corpus), "ask", "--json", question)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_add_saved_page_writes_only_the_article_and_it_answers_with_a_citation(corpus_copy):
    assert not ask_json(corpus_copy, ONLY_FENWICK_KNOWS)["answered"]

    result = feudbot("--corpus", str(corpus_copy), "add", str(FENWICK))
    assert result.returncode == 0, result.stderr
    written = corpus_copy / "the-fenwick-review-why-the-lecun-musk-spat-was-really-about-publishing.md"
    out = result.stdout
    assert f"wrote {written}" in out and FENWICK_TITLE in out
    assert "paragraphs: 6" in out and "quotes:" in out and "Vosberg" in out

    text = written.read_text(encoding="utf-8")
    assert all(paragraph in text for paragraph in FENWICK_PARAGRAPHS)
    assert [phrase for phrase in FENWICK_BOILERPLATE if phrase in text] == []
    assert f"url: {FENWICK_URL}" in text and "source: The Fenwick Review" in text

    answer = ask_json(corpus_copy, ONLY_FENWICK_KNOWS)
    assert answer["answered"]
    best = answer["results"][0]
    assert "entry number 212" in best["text"]
    assert best["citation"] == {"title": FENWICK_TITLE, "source": "The Fenwick Review", "url": FENWICK_URL,
                                "paragraph": 4}


def test_a_page_with_no_article_leaves_the_corpus_unchanged(corpus_copy):
    before = folder_state(corpus_copy)
    result = feudbot("--corpus", str(corpus_copy), "add", str(SECTION_FRONT))
    assert_one_line_error(result, "no article text found", SECTION_FRONT.name)
    assert folder_state(corpus_copy) == before


def test_a_duplicate_is_refused_by_url_and_by_text_naming_the_existing_file(corpus_copy, tmp_path):
    assert feudbot("--corpus", str(corpus_copy), "add", str(FENWICK)).returncode == 0
    existing = corpus_copy / "the-fenwick-review-why-the-lecun-musk-spat-was-really-about-publishing.md"
    before = folder_state(corpus_copy)

    again = feudbot("--corpus", str(corpus_copy), "add", str(FENWICK))
    assert_one_line_error(again, str(existing), "same URL")
    assert folder_state(corpus_copy) == before

    # The same words, typed out with straight quotes, other wrapping and no URL.
    retyped = tmp_path / "retyped.md"
    retyped.write_text("\n\n".join(p.replace("“", '"').replace("”", '"').replace(". ", ".\n")
                                   for p in FENWICK_PARAGRAPHS), encoding="utf-8")
    copy = feudbot("--corpus", str(corpus_copy), "add", str(retyped), "--title", "Copied", "--source", "Blog")
    assert_one_line_error(copy, str(existing), "same text")
    assert folder_state(corpus_copy) == before

    # A bundled article, re-added from its own file, is a duplicate too.
    bundled = corpus_copy / "venturebeat-musk-lecun-feud.md"
    assert_one_line_error(feudbot("--corpus", str(corpus_copy), "add", str(bundled)), str(bundled))
    assert folder_state(corpus_copy) == before


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        routes = {
            "/kestrel": (200, "text/html; charset=utf-8", KESTREL.read_bytes()),
            "/front": (200, "text/html", SECTION_FRONT.read_bytes()),
            "/paper.pdf": (200, "application/pdf", b"%PDF-1.7 ..."),
        }
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/kestrel")
            self.end_headers()
            return
        status, kind, body = routes.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_add_from_a_url_follows_redirects_and_keeps_the_canonical_url(corpus_copy, site):
    result = feudbot("--corpus", str(corpus_copy), "add", f"{site}/moved")
    assert result.returncode == 0, result.stderr
    written = next(corpus_copy.glob("kestrel-weekly-*.md"))
    text = written.read_text(encoding="utf-8")
    assert f"url: {KESTREL_URL}" in text and "61 percent of the replies sided with LeCun" in text
    assert [phrase for phrase in KESTREL_BOILERPLATE if phrase in text] == []
    answer = ask_json(corpus_copy, "What share of the replies sided with LeCun?")
    assert answer["results"][0]["citation"]["url"] == KESTREL_URL

    before = folder_state(corpus_copy)
    # The saved copy of the same page carries the same canonical URL.
    assert_one_line_error(feudbot("--corpus", str(corpus_copy), "add", str(KESTREL)), written.name, "same URL")
    # Asked for by the address it was fetched from, it is the same article too.
    assert_one_line_error(feudbot("--corpus", str(corpus_copy), "add", f"{site}/kestrel"), "same URL")
    assert folder_state(corpus_copy) == before


@pytest.mark.parametrize("path, reason", [
    ("/missing", "HTTP 404"),
    ("/front", "no article text found"),
    ("/paper.pdf", "not a web page (Content-Type application/pdf)"),
])
def test_url_failures_are_one_line_and_change_nothing(corpus_copy, site, path, reason):
    before = folder_state(corpus_copy)
    assert_one_line_error(feudbot("--corpus", str(corpus_copy), "add", f"{site}{path}"), reason)
    assert folder_state(corpus_copy) == before


def test_an_unreachable_server_is_a_network_error(corpus_copy):
    with socket.socket() as sock:  # a port that was free a moment ago, with nobody listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    before = folder_state(corpus_copy)
    assert_one_line_error(feudbot("--corpus", str(corpus_copy), "add", f"http://127.0.0.1:{port}/a"),
                          "cannot fetch", "refused")
    assert folder_state(corpus_copy) == before


def test_text_file_needs_a_source_and_takes_its_first_line_as_title(corpus_copy, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Halloran's follow-up study\n\nHalloran repeated her count a week later and the share of "
                     "replies siding with LeCun had fallen to 58 percent.\n", encoding="utf-8")
    before = folder_state(corpus_copy)
    assert_one_line_error(feudbot("--corpus", str(corpus_copy), "add", str(notes)), "--source")
    assert folder_state(corpus_copy) == before

    result = feudbot("--corpus", str(corpus_copy), "add", str(notes), "--source", "Kestrel Weekly",
                     "--published", "2024-06-09", "--url", "https://kestrelweekly.example.org/follow-up")
    assert result.returncode == 0, result.stderr
    written = corpus_copy / "kestrel-weekly-hallorans-follow-up-study.md"
    assert f"wrote {written}" in result.stdout and "paragraphs: 1" in result.stdout
    text = written.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Halloran's follow-up study\nsource: Kestrel Weekly\n")
    assert "published: '2024-06-09'" in text


@pytest.mark.parametrize("args, reason", [
    (["add", "/nonexistent/article.html"], "cannot read /nonexistent/article.html"),
    (["add", "notes.docx"], "expected a .html/.htm page"),
    (["add", "ftp://example.org/a"], "only http and https"),
    (["remove", "no-such-article"], "no article 'no-such-article'"),
    (["remove", "../corpus/venturebeat-musk-lecun-feud"], "not an article slug"),
])
def test_bad_input_is_one_line_and_changes_nothing(corpus_copy, args, reason):
    before = folder_state(corpus_copy)
    assert_one_line_error(feudbot("--corpus", str(corpus_copy), *args), reason)
    assert folder_state(corpus_copy) == before


def test_a_bad_date_is_a_usage_error(corpus_copy):
    result = feudbot("--corpus", str(corpus_copy), "add", str(FENWICK), "--published", "last tuesday")
    assert result.returncode == 2 and "not a date like 2024-05-28" in result.stderr
    assert "Traceback" not in result.stderr


def test_remove_takes_an_added_article_back_out(corpus_copy):
    before = folder_state(corpus_copy)
    assert feudbot("--corpus", str(corpus_copy), "add", str(FENWICK)).returncode == 0
    slug = "the-fenwick-review-why-the-lecun-musk-spat-was-really-about-publishing"
    result = feudbot("--corpus", str(corpus_copy), "remove", slug)
    assert result.returncode == 0, result.stderr
    assert f"removed {corpus_copy / slug}.md" in result.stdout and FENWICK_TITLE in result.stdout
    assert folder_state(corpus_copy) == before
    sources = feudbot("--corpus", str(corpus_copy), "sources")
    assert FENWICK_TITLE not in sources.stdout


def test_add_works_on_an_empty_corpus_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = feudbot("--corpus", str(empty), "add", str(FENWICK))
    assert result.returncode == 0, result.stderr
    assert feudbot("--corpus", str(empty), "sources").stdout.startswith("The Fenwick Review — ")


def test_a_page_without_a_title_or_publisher_asks_for_them(corpus_copy, tmp_path):
    page = tmp_path / "bare.html"
    page.write_text("<html><body><div>" + "".join(
        f"<p>Paragraph {n} of a bare page reports what Vosberg told her seminar about the feud, at length "
        f"and in plain words, with nothing around it.</p>" for n in range(1, 4)) + "</div></body></html>",
        encoding="utf-8")
    before = folder_state(corpus_copy)
    assert_one_line_error(feudbot("--corpus", str(corpus_copy), "add", str(page)), "no title found", "--title")
    assert_one_line_error(feudbot("--corpus", str(corpus_copy), "add", str(page), "--title", "Bare"), "--source")
    assert folder_state(corpus_copy) == before
    # With a URL, its host is an honest name for the publisher.
    result = feudbot("--corpus", str(corpus_copy), "add", str(page), "--title", "Bare",
                     "--url", "https://www.bare.example.net/page")
    assert result.returncode == 0, result.stderr
    assert "source:     bare.example.net <https://www.bare.example.net/page>" in result.stdout
    assert (corpus_copy / "bare-example-net-bare.md").is_file()


def test_a_url_flag_must_be_a_web_address(corpus_copy):
    before = folder_state(corpus_copy)
    assert_one_line_error(feudbot("--corpus", str(corpus_copy), "add", str(FENWICK), "--url", "fenwick.example"),
                          "--url must be an http(s) address")
    assert folder_state(corpus_copy) == before


@pytest.mark.parametrize("content", [b"", b"\x00\x01 garbage", b"<html><body><nav>Home</nav></body></html>"])
def test_empty_or_junk_pages_give_one_line_not_the_parsers_log(corpus_copy, tmp_path, content):
    page = tmp_path / "junk.html"
    page.write_bytes(content)
    before = folder_state(corpus_copy)
    assert_one_line_error(feudbot("--corpus", str(corpus_copy), "add", str(page)), "no article text found")
    assert folder_state(corpus_copy) == before
