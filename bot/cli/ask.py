"""`feudbot ask`: one question from the command line, or one per line from stdin."""
from __future__ import annotations

import json
from typing import Iterable, TextIO

from bot.cli.loading import CommandError
from bot.cli.render import render_answer
from bot.engine.library import Library


def questions_from(question: str | None, stdin: TextIO) -> Iterable[str]:
    if question is not None:
        if not question.strip():
            raise CommandError("error: the question is empty", 2)
        yield question
        return
    if stdin.isatty():
        raise CommandError("error: give a question, e.g. feudbot ask \"Who is Clem Delangue?\", "
                           "or pipe one question per line", 2)
    for line in stdin:
        if line.strip():
            yield line.rstrip("\r\n")


def ask_command(library: Library, questions: Iterable[str], top_k: int, as_json: bool, out: TextIO) -> int:
    first = True
    for question in questions:
        answer = library.answers.ask(question, top_k=top_k)
        if as_json:
            out.write(json.dumps(answer.to_dict(), ensure_ascii=False) + "\n")
        else:
            if not first:
                out.write("\n" + "-" * 40 + "\n")
            out.write(render_answer(answer, library.corpus.articles) + "\n")
        out.flush()
        first = False
    return 0
