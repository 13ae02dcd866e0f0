from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def library():
    from bot.engine.library import Library

    return Library.load(CORPUS)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A scratch copy of the bundled corpus, for tests that change it."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target, ignore=shutil.ignore_patterns(".feudbot-cache"))
    return target
