"""Articles on disk: Markdown files with YAML front matter, split into passages.

A passage is one paragraph.  Headings are kept only as context for the
paragraphs under them, so that they help matching but are never answers.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

log = logging.getLogger(__name__)

REQUIRED_FIELDS = ("title", "source")


class CorpusError(Exception):
    """A corpus folder or article that cannot be used, with the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


@dataclass(frozen=True)
class Citation:
    title: str
    source: str
    url: str | None
    paragraph: int

    def to_dict(self) -> dict:
        return {"title": self.title, "source": self.source, "url": self.url, "paragraph": self.paragraph}

    def __str__(self) -> str:
        return f"{self.source} — {self.title}, ¶{self.paragraph}"


@dataclass(frozen=True, slots=True)
class Passage:
    article: "Article" = field(repr=False, compare=False)
    paragraph: int  # 1-based, counting paragraphs only (not headings)
    heading: str | None
    text: str

    @property
    def citation(self) -> Citation:
        a = self.article
        return Citation(a.title, a.source, a.url, self.paragraph)

    @property
    def context(self) -> str:
        """Text that counts when matching but is never shown as the answer."""
        return " ".join(p for p in (self.article.title, self.heading) if p)


@dataclass(eq=False)
class Article:
    path: Path
    title: str
    source: str
    url: str | None = None
    author: str | None = None
    published: str | None = None
    passages: list[Passage] = field(default_factory=list)
    # sha256 of the file's bytes, so caches can key on content without re-reading it.
    digest: str = ""

    @property
    def slug(self) -> str:
        return self.path.stem


@dataclass
class Corpus:
    directory: Path
    articles: list[Article]
    problems: list[CorpusError]

    @property
    def passages(self) -> list[Passage]:
        return [p for a in self.articles for p in a.passages]

    def fingerprint(self) -> str:
        """Hash of every article's content, for keying caches."""
        digest = hashlib.sha256()
        for article in self.articles:
            digest.update(f"{article.path.name}\0{article.digest}\0".encode())
        return digest.hexdigest()


def parse_article(path: Path) -> Article:
    try:
        data = path.read_bytes()
        raw = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(path, f"cannot read file ({exc.__class__.__name__})") from None
    if not raw.lstrip("\ufeff").startswith("---"):
        raise CorpusError(path, "no front matter (the file must open with a '---' line)")
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise CorpusError(path, f"broken front matter: {first_line}") from None
    except Exception:  # frontmatter raises plain ValueErrors for odd delimiters
        raise CorpusError(path, "broken front matter") from None
    meta = post.metadata
    if not isinstance(meta, dict) or not meta:
        raise CorpusError(path, "broken front matter: expected 'key: value' lines")
    for name in REQUIRED_FIELDS:
        value = meta.get(name)
        if not isinstance(value, str) or not value.strip():
            raise CorpusError(path, f"front matter is missing '{name}'")
    optional = {}
    for name in ("url", "author", "published"):
        value = meta.get(name)
        optional[name] = None if value in (None, "") else str(value).strip()
    article = Article(path=path, title=meta["title"].strip(), source=meta["source"].strip(), **optional,
                      digest=hashlib.sha256(data).hexdigest())
    article.passages.extend(_split_passages(article, post.content))
    if not article.passages:
        raise CorpusError(path, "no paragraphs after the front matter")
    return article


_BLANK_LINE = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def _split_passages(article: Article, body: str) -> list[Passage]:
    passages: list[Passage] = []
    heading: str | None = None
    for block in _BLANK_LINE.split(body.replace("\r\n", "\n")):
        block = block.strip()
        # A paragraph wrapped over several lines reads as one line.
        text = " ".join(line.strip() for line in block.splitlines()) if "\n" in block else block
        if not text:
            continue
        if text.startswith("#"):
            heading = text.lstrip("#").strip() or None
            continue
        passages.append(Passage(article, len(passages) + 1, heading, text))
    return passages


def article_paths(directory: Path) -> list[Path]:
    # scandir knows each entry's type without a stat call per file.
    with os.scandir(directory) as entries:
        names = [e.name for e in entries
                 if e.name.endswith(".md") and not e.name.startswith(".") and e.is_file()]
    return [directory / name for name in sorted(names)]


def load_corpus(directory: Path | str) -> Corpus:
    """Load every article; bad files are collected as problems, not raised."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CorpusError(directory, "corpus folder does not exist")
    articles: list[Article] = []
    problems: list[CorpusError] = []
    for path in article_paths(directory):
        try:
            articles.append(parse_article(path))
        except CorpusError as problem:
            problems.append(problem)
    return Corpus(directory, articles, problems)
