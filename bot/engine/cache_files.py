"""Where feudbot's on-disk caches live, and how they are written safely.

Caches are NumPy .npz files read with allow_pickle=False: loading one can
never run code, so a cache may sit beside user-supplied files.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

CACHE_FOLDER = ".feudbot-cache"


def cache_places(corpus_dir: Path, configured: Path | str | None = None) -> list[Path]:
    """Where a cache may be, in order of preference."""
    places = [Path(configured) if configured else Path(corpus_dir) / CACHE_FOLDER]
    try:
        user_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "feudbot"
    except RuntimeError:  # no home folder
        return places
    return places if user_cache in places else places + [user_cache]


def cache_name(kind: str, corpus_dir: Path) -> str:
    """One file per kind and corpus folder, so two corpora can share a cache folder."""
    return f"{kind}-" + hashlib.sha256(str(Path(corpus_dir).resolve()).encode()).hexdigest()[:16] + ".npz"


def write_npz(path: Path, arrays: dict[str, np.ndarray], what: str) -> bool:
    """Write atomically (a temporary file renamed into place); False if the folder is not writable."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name + ".", suffix=".tmp",
                                         delete=False) as handle:
            temporary = handle.name
            np.savez(handle, **arrays)
        os.chmod(temporary, 0o644)  # as readable as an ordinary file, not mkstemp's 0600
        os.replace(temporary, path)
        return True
    except OSError as exc:
        log.info("cannot write the %s cache %s: %s", what, path, exc)
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        return False


def text_array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def array_text(array: np.ndarray) -> str:
    """Raises UnicodeDecodeError for bytes that are not UTF-8."""
    return array.tobytes().decode("utf-8")
