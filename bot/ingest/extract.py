"""Turn a saved web page, a URL or a text file into an article draft.

Web pages go through trafilatura, in precision mode: on a news page the
costly mistake is letting navigation, ads, share boxes or reader comments
into the corpus, where they would be quoted back as facts.  Missing a
marginal paragraph is the cheaper error.
"""
from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

import frontmatter
import yaml

from bot.ingest import IngestError

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text"}
# Below this, "extracted text" from a web page is a menu or a teaser, not an article.
MIN_ARTICLE_WORDS = 40
MAX_DOWNLOAD_BYTES = 10_000_000
DOWNLOAD_TIMEOUT = 20.0
USER_AGENT = "feudbot-add/1.0 (+article ingestion for a question-answering bot)"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Draft:
    """An article before it is written: metadata plus body blocks.

    A block is a paragraph, or a heading written as "# text".
    """
    title: str | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    published: str | None = None
    blocks: list[str] = field(default_factory=list)
    # Every address the article is known by (requested, fetched, canonical),
    # so that a duplicate is caught whichever one the corpus already has.
    known_urls: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if not b.startswith("#")]

    def with_overrides(self, **flags: str | None) -> "Draft":
        """The maintainer's flags win over anything extracted."""
        given = {k: v.strip() for k, v in flags.items() if v is not None and v.strip()}
        draft = replace(self, **given)
        if "url" in given:
            draft.known_urls = [*self.known_urls, given["url"]]
        return draft


def is_url(source: str) -> bool:
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source) is not None


def read_source(source: str, timeout: float = DOWNLOAD_TIMEOUT) -> Draft:
    if is_url(source):
        return draft_from_url(source, timeout)
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix not in HTML_SUFFIXES | TEXT_SUFFIXES:
        raise IngestError(f"cannot add {source}: expected a .html/.htm page, a .md/.txt file or an http(s) URL")
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise IngestError(f"cannot read {source}: it is a folder") from None
    except OSError as exc:
        raise IngestError(f"cannot read {source}: {exc.strerror or exc.__class__.__name__}") from None
    if suffix in HTML_SUFFIXES:
        return draft_from_html(data, where=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError(f"cannot read {source}: not UTF-8 text") from None
    return draft_from_text(text, where=source)


# --- web pages ---------------------------------------------------------------

def draft_from_html(html: bytes | str, where: str, url: str | None = None) -> Draft:
    import trafilatura  # slow to import; only `add` needs it

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True,
            include_images=False, include_links=False, favor_precision=True)
    except Exception as exc:  # lxml and trafilatura raise a zoo of types on odd input
        raise IngestError(f"cannot parse {where} as a web page ({exc.__class__.__name__})") from None
    blocks = _blocks(doc.body) if doc is not None and doc.body is not None else []
    title = _clean(doc.title) if doc is not None else None
    if blocks and title and blocks[0].startswith("#") and _words(blocks[0]) == _words(title):
        blocks = blocks[1:]  # the headline is the title, not a subheading
    words = sum(len(p.split()) for p in blocks if not p.startswith("#"))
    if words < MIN_ARTICLE_WORDS:
        raise IngestError(f"no article text found in {where} (only {words} words of body text)")
    canonical = http_url(doc.url)
    return Draft(
        title=title,
        source=_clean(doc.sitename),
        url=canonical or url,
        author=_clean(doc.author),
        published=_clean(doc.date),
        blocks=_trim_empty_headings(blocks),
        known_urls=[u for u in (url, canonical) if u],
    )


def _blocks(element) -> list[str]:
    """Paragraphs and headings of trafilatura's internal XML, in reading order."""
    blocks: list[str] = []
    for child in element:
        tag = child.tag
        if tag == "head":
            text = _text(child)
            if text:
                blocks.append(f"# {text.lstrip('#').strip()}")
        elif tag == "table":
            for row in child.iter("row"):
                cells = [_text(cell) for cell in row.iter("cell")]
                if any(cells):
                    blocks.append(" | ".join(cells))
        elif tag in ("list", "quote", "div") or _has_blocks(child):
            if _has_blocks(child):
                blocks.extend(_blocks(child))
            else:  # a list item or a one-paragraph quote
                text = _text(child)
                if text:
                    blocks.append(text)
        else:
            text = _text(child)
            if text:
                blocks.append(text)
    return blocks


_BLOCK_TAGS = {"p", "head", "list", "item", "quote", "table", "div", "code"}


def _has_blocks(element) -> bool:
    return any(child.tag in _BLOCK_TAGS for child in element)


def _text(element) -> str:
    for lb in element.iter("lb"):
        lb.text = " "  # a line break inside a paragraph still separates words
    return " ".join("".join(element.itertext()).split())


def _trim_empty_headings(blocks: list[str]) -> list[str]:
    """Drop headings with no paragraph under them (e.g. a trailing 'Comments')."""
    kept: list[str] = []
    for block in blocks:
        if kept and kept[-1].startswith("#") and block.startswith("#"):
            kept.pop()
        kept.append(block)
    while kept and kept[-1].startswith("#"):
        kept.pop()
    return kept


def draft_from_url(url: str, timeout: float = DOWNLOAD_TIMEOUT) -> Draft:
    """Download a page (following redirects) and extract it.

    Downloading is plain urllib rather than trafilatura's fetcher: that one
    returns None on failure without saying why, retries silently, and falls
    back to unverified TLS, while a maintainer needs the reason in one line.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise IngestError(f"cannot add {url}: only http and https URLs are supported")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            final_url = response.geturl()
            # get_content_type() says text/plain when the header is missing; a missing one means "try it".
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
            charset = response.headers.get_content_charset()
            data = response.read(MAX_DOWNLOAD_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise IngestError(f"cannot fetch {url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = getattr(exc.reason, "strerror", None) or str(exc.reason)
        raise IngestError(f"cannot fetch {url}: {reason}") from None
    except (TimeoutError, OSError, ValueError, http.client.HTTPException) as exc:
        raise IngestError(f"cannot fetch {url}: {exc.__class__.__name__}: {exc}".rstrip(": ")) from None
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise IngestError(f"cannot fetch {url}: page is larger than {MAX_DOWNLOAD_BYTES // 1_000_000} MB")
    if content_type and content_type not in _HTML_TYPES:
        raise IngestError(f"cannot add {url}: not a web page (Content-Type {content_type})")
    html: bytes | str = data
    if charset:
        try:
            html = data.decode(charset, errors="replace")
        except LookupError:
            pass  # unknown charset name: let trafilatura sniff the bytes
    draft = draft_from_html(html, where=url, url=final_url)
    draft.known_urls = list(dict.fromkeys([url, *draft.known_urls]))
    return draft


def http_url(value: str | None) -> str | None:
    value = _clean(value)
    if value and urlsplit(value).scheme in ("http", "https") and urlsplit(value).netloc:
        return value
    return None


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


# --- text and Markdown files -------------------------------------------------

def draft_from_text(text: str, where: str) -> Draft:
    """A Markdown or text file: paragraphs separated by blank lines.

    A file already in corpus format (YAML front matter) keeps its metadata;
    otherwise the first line is the title, unless --title is given.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict = {}
    if text.lstrip("\ufeff").startswith("---"):
        try:
            post = frontmatter.loads(text)
        except (yaml.YAMLError, ValueError):
            raise IngestError(f"cannot read {where}: broken front matter") from None
        if isinstance(post.metadata, dict):
            meta = post.metadata
        text = post.content
    blocks = [block.strip("\n") for block in text.split("\n\n")]
    blocks = [b.rstrip() for b in blocks if b.strip()]
    draft = Draft(
        title=_clean(meta.get("title")),
        source=_clean(meta.get("source")),
        url=http_url(meta.get("url")),
        author=_clean(meta.get("author")),
        published=_clean(meta.get("published")),
        blocks=blocks,
    )
    if draft.url:
        draft.known_urls = [draft.url]
    return draft


def take_first_line_as_title(draft: Draft) -> Draft:
    """For a plain file with no --title: its first line is the title."""
    if draft.title or not draft.blocks:
        return draft
    first, _, rest = draft.blocks[0].partition("\n")
    blocks = ([rest.strip()] if rest.strip() else []) + draft.blocks[1:]
    return replace(draft, title=_clean(first.lstrip("#")), blocks=blocks)


def drop_repeated_title(draft: Draft) -> Draft:
    """A file that opens with its own title (given by --title) should not repeat it as a paragraph."""
    if draft.title and draft.blocks and _words(draft.blocks[0]) == _words(draft.title):
        return replace(draft, blocks=draft.blocks[1:])
    return draft


def source_from_url(url: str | None) -> str | None:
    """The site's host name: an honest stand-in for a publication's name."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
