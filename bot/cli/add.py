"""`feudbot add` and `feudbot remove`: change the corpus one article at a time.

Every failure is an IngestError turned into a one-line CommandError, and
nothing touches the corpus folder until the article has been extracted,
checked for duplicates and validated, so a failed `add` leaves it as it was.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TextIO

from bot.cli.loading import CommandError
from bot.engine.corpus import Article, article_paths
from bot.ingest import IngestError
from bot.ingest.extract import (HTML_SUFFIXES, Draft, drop_repeated_title, http_url, is_url, read_source,
                                source_from_url, take_first_line_as_title)
from bot.ingest.writer import find_duplicate, free_slug, make_slug, remove_article, render, write_article

log = logging.getLogger(__name__)

QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext")
RELOAD_HINT = "the running bot picks it up on /reload (or by itself with WATCH_CORPUS=true)"


def add_command(directory: Path, source: str, out: TextIO, *, title: str | None = None,
                source_name: str | None = None, url: str | None = None, author: str | None = None,
                published: str | None = None) -> int:
    directory = Path(directory)
    if not directory.is_dir():
        raise CommandError(f"error: corpus folder does not exist: {directory}", 2)
    # trafilatura logs every parse hiccup at ERROR; the one-line reason we give is what matters.
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        draft = prepare(source, title=title, source=source_name, url=url, author=author, published=published)
        duplicate = find_duplicate(directory, draft)
        if duplicate:
            raise IngestError(duplicate)
        slug = free_slug(directory, make_slug(draft.source, draft.title))
        path, article = write_article(directory, slug, render(draft))
    except IngestError as exc:
        raise CommandError(f"error: {exc}", 1) from None
    report(path, article, directory, out)
    return 0


def prepare(origin: str, **flags: str | None) -> Draft:
    """Extract the article and settle its metadata, or say what is missing."""
    if flags.get("url") and not http_url(flags["url"]):
        raise IngestError(f"--url must be an http(s) address, not {flags['url']!r}")
    draft = read_source(origin).with_overrides(**flags)
    web = is_url(origin) or Path(origin).suffix.lower() in HTML_SUFFIXES
    if not web:
        draft = drop_repeated_title(draft) if draft.title else take_first_line_as_title(draft)
    if not draft.title:
        raise IngestError(f"no title found in {origin}; give one with --title")
    if not draft.source:
        # A host name is an honest stand-in for a publication's name; a bare
        # text file has no such thing, and inventing one would mislead readers.
        draft.source = source_from_url(draft.url)
    if not draft.source:
        raise IngestError(f"no source for {origin}: say where it was published with --source (e.g. --source VentureBeat)")
    if not draft.paragraphs:
        raise IngestError(f"no article text found in {origin}")
    return draft


def report(path: Path, article: Article, directory: Path, out: TextIO) -> None:
    out.write(f"wrote {path}\n")
    out.write(f"  title:      {article.title}\n")
    out.write(f"  source:     {article.source}" + (f" <{article.url}>" if article.url else "") + "\n")
    out.write(f"  paragraphs: {len(article.passages)}\n")
    out.write(f"  quotes:     {describe_quotes(article, directory)}\n")
    out.write(f"{RELOAD_HINT}\n")


def describe_quotes(article: Article, directory: Path) -> str:
    # The article is already written: a quote-engine failure only costs the summary line.
    try:
        from bot.engine.people import load_people
        from bot.engine.quotebook import QuoteBook
        from bot.engine.quotes import extract_article_quotes

        quotes = [q for q in extract_article_quotes(article, load_people(directory)) if not q.fragment]
        speakers = QuoteBook(quotes).speakers()
    except Exception as exc:
        log.debug("quote count failed", exc_info=True)
        return f"not counted ({exc.__class__.__name__}: {exc})"
    unattributed = sum(1 for q in quotes if not q.attributed)
    parts = [f"{name} {count}" for name, count in speakers]
    if unattributed:
        parts.append(f"unattributed {unattributed}")
    return f"{len(quotes)}" + (f" ({', '.join(parts)})" if parts else "")


def remove_command(directory: Path, slug: str, out: TextIO) -> int:
    directory = Path(directory)
    if not directory.is_dir():
        raise CommandError(f"error: corpus folder does not exist: {directory}", 2)
    try:
        removed = remove_article(directory, slug)
    except IngestError as exc:
        raise CommandError(f"error: {exc}", 1) from None
    if isinstance(removed, Article):
        out.write(f"removed {removed.path} ({removed.source} — {removed.title})\n")
    else:
        out.write(f"removed {removed} (it did not parse as an article)\n")
    if not article_paths(directory):
        out.write("warning: the corpus has no articles left; the bot will not start on it\n")
    else:
        out.write(f"{RELOAD_HINT}\n")
    return 0
