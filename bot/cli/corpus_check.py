"""`feudbot corpus check`: strict validation, for maintainers and CI."""
from __future__ import annotations

from pathlib import Path
from typing import TextIO

from bot.cli.loading import CommandError
from bot.engine.corpus import CorpusError, load_corpus
from bot.engine.lexicon import Lexicon
from bot.engine.people import load_people


def check_command(directory: Path | str, out: TextIO) -> int:
    try:
        corpus = load_corpus(directory)
    except CorpusError as exc:
        raise CommandError(f"error: {exc}", 2) from None
    problems = list(corpus.problems)
    try:
        Lexicon.load(corpus.directory, load_people(corpus.directory))
    except CorpusError as exc:
        problems.append(exc)
    for article in corpus.articles:
        print(f"ok   {article.path}: {len(article.passages)} paragraphs", file=out)
    for problem in problems:
        print(f"BAD  {problem}", file=out)
    if not corpus.articles and not problems:
        print(f"BAD  {corpus.directory}: no articles (*.md files)", file=out)
        return 1
    print(f"{len(corpus.articles)} good, {len(problems)} bad", file=out)
    return 1 if problems else 0
