"""Settings and corpus loading for commands, with one-line errors."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from bot.engine.corpus import CorpusError
from bot.engine.library import Library
from bot.paths import bundled_corpus_dir
from bot.settings import Settings


class CommandError(Exception):
    """A failure to report in one line, with the exit code to leave with."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]).upper()
        raise CommandError(f"error: bad setting {name}: {first['msg']}", 2) from None


def corpus_dir(option: str | None, settings: Settings) -> Path:
    if option:
        return Path(option)
    return settings.corpus_dir or bundled_corpus_dir()


def load_library(directory: Path, settings: Settings, err: TextIO = sys.stderr) -> Library:
    """Load the corpus, warning on stderr about each bad file skipped."""
    try:
        library = Library.load(directory, settings)
    except CorpusError as exc:
        raise CommandError(f"error: {exc}", 2) from None
    for problem in library.problems:
        print(f"warning: skipped {problem}", file=err)
    return library
