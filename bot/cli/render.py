"""Plain-text rendering of answer objects, the terminal twin of bot/exts/embeds."""
from __future__ import annotations

import textwrap

from bot.engine.answers import Answer, Result
from bot.engine.corpus import Article, Citation


def cite(citation: Citation) -> str:
    return f"{citation}" + (f" <{citation.url}>" if citation.url else "")


def mark_best_sentence(result: Result) -> str:
    """The passage with its best sentence in **bold**, as Discord shows it."""
    text, best = result.text, result.best_sentence
    return text.replace(best, f"**{best}**", 1) if best and best in text else text


def render_answer(answer: Answer, articles: list[Article], width: int = 88) -> str:
    if not answer.answered:
        return render_abstention(answer, articles)
    blocks = []
    for rank, result in enumerate(answer.results, 1):
        body = textwrap.fill(mark_best_sentence(result), width=width, initial_indent=f"[{rank}] ",
                             subsequent_indent="    ")
        lines = [body, f"    — {cite(result.citation)}"]
        for twin in result.corroborations:
            lines.append(f"    Also reported by {cite(twin)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def render_abstention(answer: Answer, articles: list[Article]) -> str:
    reason = answer.abstain_reason or "The articles don't cover that question."
    covered = "; ".join(f"{a.source}: “{a.title}”" for a in articles)
    return f"{reason} They cover the May 2024 LeCun–Musk feud on X: {covered}."


def render_sources(articles: list[Article]) -> str:
    lines = []
    for article in articles:
        lines.append(f"{article.source} — {article.title} ({len(article.passages)} passages)")
        lines.append(f"    {article.url or '(no url)'}")
    return "\n".join(lines)
