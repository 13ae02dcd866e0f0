"""Synthetic corpora in the bundled corpus's format, for the benchmark.

Words follow a Zipf law.  The head of the vocabulary is the bundled articles'
own words, ranked by how often they occur there (so stop words, names,
synonyms and numbers are as common as in real feud coverage); the long tail
is made-up words built from syllables, so the stemmer and the spelling mender
see word-like strings.  Paragraph lengths are log-normal (median ~55 words,
like news paragraphs), articles have 4-25 paragraphs and the odd `#` heading,
and every file has title/source/url front matter.  The bundled people.yaml
and synonyms.yaml are copied in, so the analysis is the real one.

Generation is deterministic for a given size and seed, and a folder is reused
when its stamp file says it is complete.
"""
from __future__ import annotations

import json
import random
import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np

BUNDLED = Path(__file__).resolve().parent.parent / "corpus"
TAIL_WORDS = 200_000
ZIPF_S = 1.07
SEED = 2024
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou", "ea")]
_ENDINGS = ["", "", "", "s", "ed", "ing", "er", "ly", "tion", "ness"]
_SOURCES = ["Wired", "The Verge", "Reuters", "Gizmodo", "VentureBeat", "TechCrunch", "Ars Technica"]


def _head_words() -> list[str]:
    """The bundled articles' words (case kept), commonest first."""
    counts: Counter[str] = Counter()
    for path in sorted(BUNDLED.glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        counts.update(w for w in re.findall(r"[\w’'$.,-]+", body) if not w.startswith("#"))
    return [w for w, _ in counts.most_common()]


def _vocabulary(rng: random.Random) -> list[str]:
    head = _head_words()
    seen = {w.lower() for w in head}
    tail: list[str] = []
    while len(tail) < TAIL_WORDS:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))
        word += rng.choice(_ENDINGS)
        if word not in seen:
            seen.add(word)
            tail.append(word)
    return head + tail


class Vocabulary:
    def __init__(self, seed: int = SEED) -> None:
        rng = random.Random(seed)
        self.words = _vocabulary(rng)
        ranks = np.arange(1, len(self.words) + 1, dtype=np.float64)
        weights = ranks ** -ZIPF_S
        self.cdf = np.cumsum(weights / weights.sum())

    def draw(self, rng: np.random.Generator, n: int) -> list[str]:
        picks = np.searchsorted(self.cdf, rng.random(n), side="right")
        picks = np.minimum(picks, len(self.words) - 1)
        return [self.words[i] for i in picks]


def _paragraph(vocab: Vocabulary, rng: np.random.Generator) -> str:
    n_words = int(np.clip(rng.lognormal(mean=4.0, sigma=0.45), 8, 220))
    words = vocab.draw(rng, n_words)
    sentences, start = [], 0
    while start < len(words):
        length = int(rng.integers(8, 28))
        chunk = words[start:start + length]
        chunk[0] = chunk[0][:1].upper() + chunk[0][1:]
        sentences.append(" ".join(chunk).rstrip(",") + ".")
        start += length
    return " ".join(sentences)


def _title(vocab: Vocabulary, rng: np.random.Generator) -> str:
    return " ".join(vocab.draw(rng, int(rng.integers(5, 12)))).capitalize()


def generate(directory: Path, passages: int, seed: int = SEED) -> Path:
    """Write a corpus folder of exactly `passages` paragraphs (reused if already complete)."""
    directory = Path(directory)
    stamp = directory / ".complete.json"
    want = {"passages": passages, "seed": seed, "zipf": ZIPF_S, "tail": TAIL_WORDS, "version": 2}
    if stamp.is_file() and json.loads(stamp.read_text()) == want:
        return directory
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for table in ("people.yaml", "synonyms.yaml"):
        shutil.copy(BUNDLED / table, directory / table)
    vocab = Vocabulary(seed)
    rng = np.random.default_rng(seed + passages)
    written, article = 0, 0
    while written < passages:
        n = min(int(rng.integers(4, 26)), passages - written)
        title = _title(vocab, rng)
        source = _SOURCES[int(rng.integers(len(_SOURCES)))]
        lines = ["---", f"title: {json.dumps(title)}", f"source: {source}",
                 f"url: https://example.org/{article:06d}", "---", ""]
        for i in range(n):
            if i and rng.random() < 0.12:
                lines += ["# " + _title(vocab, rng), ""]
            lines += [_paragraph(vocab, rng), ""]
        (directory / f"article-{article:06d}.md").write_text("\n".join(lines), encoding="utf-8")
        written += n
        article += 1
    stamp.write_text(json.dumps(want))
    return directory


def questions(passages: list[str], count: int, seed: int = SEED) -> list[str]:
    """Questions the way people type them: a question word and 2-5 words, mostly
    from one passage of the corpus (people ask about what is in it), sometimes
    drawn from the whole vocabulary (often off topic); one in seven has a typo."""
    vocab = Vocabulary(seed)
    rng = np.random.default_rng(seed)
    openers = ["who", "what did", "why did", "how old is", "when did", "what does", "how many", "is it true that"]
    out = []
    for _ in range(count):
        n = int(rng.integers(2, 6))
        if rng.random() < 0.8:
            words = [w for w in re.findall(r"[A-Za-z’']{3,}", passages[int(rng.integers(len(passages)))])]
            words = [words[i] for i in sorted(rng.choice(len(words), size=min(n, len(words)), replace=False))]
        else:
            words = [w.strip(".,’'\"“”") for w in vocab.draw(rng, n)]
        words = [w for w in words if w] or ["musk"]
        if rng.random() < 0.15:  # a typo: one letter doubled
            i = int(rng.integers(len(words)))
            j = int(rng.integers(len(words[i])))
            words[i] = words[i][:j] + words[i][j] + words[i][j:]
        out.append(f"{openers[int(rng.integers(len(openers)))]} {' '.join(words)}?")
    return out
