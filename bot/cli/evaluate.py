"""`feudbot eval FILE.jsonl`: retrieval quality, for maintainers adding articles."""
from __future__ import annotations

from typing import TextIO

from bot.cli.loading import CommandError
from bot.engine.evaluation import engine_ranker, evaluate, load_cases
from bot.engine.library import Library


def eval_command(library: Library, path: str, top_k: int, out: TextIO) -> int:
    try:
        cases = load_cases(path)
    except OSError as exc:
        raise CommandError(f"error: cannot read {path}: {exc.strerror or exc}", 2) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CommandError(f"error: {exc}", 2) from None
    if not cases:
        raise CommandError(f"error: {path} holds no questions", 2)
    report = evaluate(cases, engine_ranker(library.answers, top_k), k=top_k)
    for line in report.lines():
        print(line, file=out)
    for label, questions in (("missed", report.misses), ("abstained wrongly", report.wrong_abstentions),
                             ("answered off-topic", report.answered_off_topic)):
        for question in questions:
            print(f"{label}: {question}", file=out)
    return 0
