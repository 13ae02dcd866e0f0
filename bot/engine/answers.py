"""The answer objects both front ends render: the terminal and Discord."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.engine.corpus import Citation


@dataclass(frozen=True)
class Result:
    text: str
    score: float
    best_sentence: str
    citation: Citation
    # Passages from other articles that report the same fact.
    corroborations: tuple[Citation, ...] = ()

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "score": round(self.score, 4),
            "best_sentence": self.best_sentence,
            "citation": self.citation.to_dict(),
            "corroborations": [c.to_dict() for c in self.corroborations],
        }


@dataclass(frozen=True)
class Answer:
    question: str
    results: tuple[Result, ...] = ()
    # Why the engine abstained, when it did; shown to the user.
    abstain_reason: str | None = None
    # Query terms the engine understood, for debugging and `--json` users.
    matched_share: float = 0.0
    topics: tuple[str, ...] = field(default=(), compare=False)

    @property
    def answered(self) -> bool:
        return bool(self.results)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "results": [r.to_dict() for r in self.results],
        }
