"""Where the bundled corpus lives, in a checkout and in an installed wheel."""
from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_corpus_dir() -> Path:
    # A wheel carries the corpus inside the package (see pyproject's
    # force-include); a checkout or editable install has it beside the package.
    installed = _PACKAGE_DIR / "_corpus"
    return installed if installed.is_dir() else _PACKAGE_DIR.parent / "corpus"
