"""Putting an article into a corpus folder, or taking it out, safely.

The folder may be watched by a running bot, so it must never see a
half-written file: an article is written to a hidden temp file in the same
folder (same filesystem, so the final link is atomic), validated with the
corpus's own strict parser, and only then given its `.md` name.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import frontmatter
import yaml

from bot.engine.corpus import Article, CorpusError, article_paths, parse_article
from bot.ingest import IngestError
from bot.ingest.extract import Draft

MAX_SLUG_LENGTH = 72


# --- names -------------------------------------------------------------------

def slugify(text: str) -> str:
    # Punctuation becomes a word break before accents are dropped, so that
    # "LeCun–Musk" gives lecun-musk, not lecunmusk.
    text = re.sub(r"(?<=\w)['’](?=\w)", "", text)  # Meta’s -> metas, not meta-s
    text = re.sub(r"[^\w]+", " ", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def make_slug(source: str, title: str) -> str:
    """`<source>-<title>`, cut at a word boundary, like the bundled articles."""
    words = [w for w in f"{slugify(source)}-{slugify(title)}".split("-") if w]
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > MAX_SLUG_LENGTH:
            break
        slug = longer
    return slug or "article"


def free_slug(directory: Path, slug: str) -> str:
    """The slug, or slug-2, slug-3…: two different articles may share a title."""
    candidate, n = slug, 1
    while (directory / f"{candidate}.md").exists():
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def article_path(directory: Path, slug: str) -> Path:
    """The file for a slug given on the command line, refusing paths."""
    name = slug.strip()
    name = name[:-3] if name.endswith(".md") else name
    if not name or name.startswith(".") or "/" in name or "\\" in name or name != Path(name).name:
        raise IngestError(f"not an article slug: {slug!r} (use a name from `feudbot sources`, e.g. venturebeat-musk-lecun-feud)")
    return directory / f"{name}.md"


# --- duplicates --------------------------------------------------------------

def normalize_url(url: str) -> str:
    """Forms of one address that point at the same article compare equal."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not k.lower().startswith("utm_")))
    return f"{host}{parts.path.rstrip('/') or '/'}" + (f"?{query}" if query else "")


def text_fingerprint(paragraphs: list[str]) -> str:
    """Same words in the same order: case, quote style, punctuation and wrapping don't count."""
    text = unicodedata.normalize("NFKC", " ".join(paragraphs)).casefold()
    return hashlib.sha256(" ".join(re.findall(r"\w+", text)).encode()).hexdigest()


@dataclass(frozen=True)
class Existing:
    path: Path
    url: str | None
    fingerprint: str


def existing_articles(directory: Path) -> list[Existing]:
    """Every article file, read leniently: a broken file can still be the duplicate."""
    found = []
    for path in article_paths(directory):
        try:
            raw = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # unreadable: the loader will report it, and it cannot match
        try:
            post = frontmatter.loads(raw)
            meta, body = (post.metadata if isinstance(post.metadata, dict) else {}), post.content
        except Exception:  # broken YAML: compare the body anyway
            meta, body = {}, raw.split("\n---", 2)[-1]
        url = meta.get("url")
        found.append(Existing(path, str(url) if url else None, text_fingerprint(body_paragraphs(body))))
    return found


def body_paragraphs(body: str) -> list[str]:
    blocks = (b.strip() for b in body.replace("\r\n", "\n").split("\n\n"))
    return [b for b in blocks if b and not b.startswith("#")]


def find_duplicate(directory: Path, draft: Draft) -> str | None:
    """Why the draft is already in the corpus, naming the file, or None."""
    urls = {normalize_url(u) for u in [draft.url, *draft.known_urls] if u}
    fingerprint = text_fingerprint(draft.paragraphs)
    for existing in existing_articles(directory):
        if existing.url and normalize_url(existing.url) in urls:
            return f"already in the corpus as {existing.path} (same URL {existing.url})"
        if existing.fingerprint == fingerprint:
            return f"already in the corpus as {existing.path} (same text)"
    return None


# --- writing -----------------------------------------------------------------

def render(draft: Draft) -> str:
    meta = {"title": draft.title, "source": draft.source}
    for name in ("url", "author", "published"):
        value = getattr(draft, name)
        if value:
            meta[name] = value
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000)
    return f"---\n{head}---\n\n" + "\n\n".join(draft.blocks) + "\n"


def write_article(directory: Path, slug: str, text: str) -> tuple[Path, Article]:
    """Write atomically; returns the final path and the article as the bot will parse it."""
    final = directory / f"{slug}.md"
    try:
        return _write(directory, final, text)
    except OSError as exc:  # disk full, read-only folder…: the temp file is already gone
        raise IngestError(f"cannot write {final}: {exc.strerror or exc.__class__.__name__}") from None


def _write(directory: Path, final: Path, text: str) -> tuple[Path, Article]:
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=".add-", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 would hide the article from other users
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            parse_article(tmp)
        except CorpusError as exc:
            raise IngestError(f"the article would not load: {exc.reason}") from None
        _link_without_clobbering(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    _sync_directory(directory)
    return final, parse_article(final)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _link_without_clobbering(tmp: Path, final: Path) -> None:
    # A hard link is an atomic rename that refuses to replace a file another
    # `add` created under the same name in the meantime.
    try:
        os.link(tmp, final)
    except FileExistsError:
        raise IngestError(f"{final} appeared while writing; run the command again") from None
    except OSError:  # filesystems without hard links
        if final.exists():
            raise IngestError(f"{final} appeared while writing; run the command again") from None
        os.replace(tmp, final)


def _sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_article(directory: Path, slug: str) -> Article | Path:
    """Delete one article file; returns what was removed (parsed if it parses)."""
    path = article_path(directory, slug)
    if not path.is_file():
        raise IngestError(f"no article {path.stem!r} in {directory} (see `feudbot sources`)")
    try:
        removed: Article | Path = parse_article(path)
    except CorpusError:
        removed = path  # a broken file can still be taken out
    try:
        path.unlink()
    except OSError as exc:
        raise IngestError(f"cannot remove {path}: {exc.strerror or exc.__class__.__name__}") from None
    return removed
