"""Sentence splitting for news prose, good enough to pick a passage's best line."""
from __future__ import annotations

import re

# A sentence ends at . ! or ? (maybe followed by a closing quote or bracket),
# then space, then something that can open a sentence.  Single capitals and
# a few titles before the full stop are initials and abbreviations, not ends.
_BOUNDARY = re.compile(r"(?<=[.!?])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9$])")
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\bMr|\bMrs|\bMs|\bDr|\bSt|\bJr|\bInc|\bCo|\bvs|\bU\.S)\.$")


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start() + len(match.group(1))
        candidate = text[start:end]
        if _ABBREVIATION.search(text[start:match.start()]):
            continue
        if candidate.strip():
            sentences.append(candidate.strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
