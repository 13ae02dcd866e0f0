"""The evaluation set, against the targets and beside a naive baseline."""
from __future__ import annotations

import re

import pytest
from rank_bm25 import BM25Okapi

from bot.engine.evaluation import Report, engine_ranker, evaluate, load_cases
from tests.conftest import REPO, SEEDS

CASES = load_cases(REPO / "tests" / "eval_questions.jsonl")


def baseline_ranker():
    """rank-bm25 BM25Okapi over the raw seed paragraphs, split on whitespace."""
    paragraphs = [p.strip() for path in sorted(SEEDS.glob("*.txt"))
                  for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if p.strip()]
    bm25 = BM25Okapi([p.split() for p in paragraphs])

    def rank(question):
        scores = bm25.get_scores(question.split())
        order = sorted(range(len(paragraphs)), key=lambda i: -scores[i])
        # It has no notion of abstaining beyond matching nothing at all.
        return None if max(scores) <= 0 else [paragraphs[i] for i in order[:3]]
    return rank


def show(name: str, report: Report) -> str:
    return f"{name:>9}: " + ", ".join(report.lines()[1:])


def test_set_is_big_enough():
    assert sum(c.in_scope for c in CASES) >= 60
    assert sum(not c.in_scope for c in CASES) >= 15


def test_feudbot_meets_the_targets(library, capsys):
    report = evaluate(CASES, engine_ranker(library.answers))
    lines = [show("feudbot", report)]
    if SEEDS.is_dir():
        lines.append(show("baseline", evaluate(CASES, baseline_ranker())))
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert report.hit_at_1 >= 0.90, report.misses
    assert report.hit_at_3 >= 0.98, report.misses
    assert report.abstain_recall >= 0.93, report.answered_off_topic
    assert report.wrong_abstentions == ()


def test_no_answer_contains_removed_boilerplate(library):
    from tests.engine.test_corpus import BOILERPLATE

    for case in CASES:
        for result in library.answers.ask(case.question, top_k=5).results:
            assert not any(junk in result.text for junk in BOILERPLATE), case.question


def test_load_cases_names_the_bad_line(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"q": "fine", "gold": []}\n{"q": 3}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        load_cases(path)
