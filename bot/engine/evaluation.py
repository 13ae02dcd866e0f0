"""Retrieval quality on a set of questions with known answers.

Each case is {"q": question, "gold": [substring, ...]}.  A result is a hit
when its passage contains one of the gold substrings; an empty gold list
means the engine should abstain.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence


@dataclass(frozen=True)
class Case:
    question: str
    gold: tuple[str, ...]

    @property
    def in_scope(self) -> bool:
        return bool(self.gold)


@dataclass(frozen=True)
class Report:
    hit_at_1: float
    hit_at_3: float
    mrr: float
    abstain_precision: float
    abstain_recall: float
    in_scope: int
    off_topic: int
    misses: tuple[str, ...]  # in-scope questions with no hit in the top 3
    wrong_abstentions: tuple[str, ...]
    answered_off_topic: tuple[str, ...]

    def lines(self) -> list[str]:
        return [
            f"questions: {self.in_scope} in scope, {self.off_topic} off topic",
            f"hit@1: {self.hit_at_1:.3f}",
            f"hit@3: {self.hit_at_3:.3f}",
            f"MRR: {self.mrr:.3f}",
            f"abstention precision: {self.abstain_precision:.3f}",
            f"abstention recall: {self.abstain_recall:.3f}",
        ]


def load_cases(path: Path | str) -> list[Case]:
    """Read a JSONL file; raises ValueError naming the bad line."""
    cases = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            question, gold = data["q"], data["gold"]
            if not isinstance(question, str) or not isinstance(gold, list):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"{path}:{number}: expected {{\"q\": str, \"gold\": [str, ...]}}") from None
        cases.append(Case(question, tuple(str(g) for g in gold)))
    return cases


# A ranker takes a question and returns passage texts, best first, or None to abstain.
Ranker = Callable[[str], Sequence[str] | None]


def evaluate(cases: Sequence[Case], rank: Ranker, k: int = 3) -> Report:
    hits1 = hits3 = 0
    reciprocal = 0.0
    abstained_right = abstained_wrong = 0
    misses, wrong_abstentions, answered_off_topic = [], [], []
    for case in cases:
        texts = rank(case.question)
        if not case.in_scope:
            if texts is None:
                abstained_right += 1
            else:
                answered_off_topic.append(case.question)
            continue
        if texts is None:
            abstained_wrong += 1
            wrong_abstentions.append(case.question)
            continue
        ranks = [i for i, text in enumerate(texts[:k], 1) if any(g in text for g in case.gold)]
        if ranks:
            hits1 += ranks[0] == 1
            hits3 += 1
            reciprocal += 1 / ranks[0]
        else:
            misses.append(case.question)
    in_scope = sum(c.in_scope for c in cases)
    off_topic = len(cases) - in_scope
    abstentions = abstained_right + abstained_wrong
    return Report(
        hit_at_1=hits1 / in_scope if in_scope else 0.0,
        hit_at_3=hits3 / in_scope if in_scope else 0.0,
        mrr=reciprocal / in_scope if in_scope else 0.0,
        abstain_precision=abstained_right / abstentions if abstentions else 1.0,
        abstain_recall=abstained_right / off_topic if off_topic else 1.0,
        in_scope=in_scope,
        off_topic=off_topic,
        misses=tuple(misses),
        wrong_abstentions=tuple(wrong_abstentions),
        answered_off_topic=tuple(answered_off_topic),
    )


def engine_ranker(engine, k: int = 3) -> Ranker:
    def rank(question: str) -> Sequence[str] | None:
        answer = engine.ask(question, top_k=k)
        return [r.text for r in answer.results] if answer.answered else None
    return rank
