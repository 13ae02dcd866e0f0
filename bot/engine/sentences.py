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
        # An abbreviation ("U.S.") is at most four characters and one more
        # tells where its word starts: only they are searched, not the whole
        # sentence so far.
        if _ABBREVIATION.search(text, max(start, match.start() - 5), match.start()):
            continue
        sentence = text[start:match.start() + len(match.group(1))].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
