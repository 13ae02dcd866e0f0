"""`feudbot quote`, `feudbot speakers` and `/quote` in `feudbot chat`."""
from __future__ import annotations

import io
import json
import re
import textwrap
from typing import TextIO

from bot.cli.render import cite

# The default listing is a short "best of"; --all lists everything.
DEFAULT_LIMIT = 5
CHAT_LIMIT = 3

_CHAT_COMMAND = re.compile(r"^\s*/quote(?:\s+|$)", re.IGNORECASE)
_CHAT_OPTION = re.compile(r"(?<!\S)(speaker|about)\s*:", re.IGNORECASE)


def _book(library_or_quotebook):
    """The QuoteBook itself, or the one a Library carries."""
    return getattr(library_or_quotebook, "quotes", library_or_quotebook) \
        if not hasattr(library_or_quotebook, "find") else library_or_quotebook


def unknown_speaker_message(book, name: str) -> str:
    known = ", ".join(speaker for speaker, _ in book.speakers()) or "none"
    return f"Unknown speaker “{name}”. Known speakers: {known}."


def select_quotes(book, speaker: str | None, about: str | None, show_all: bool, random_pick: bool,
                  limit: int | None = DEFAULT_LIMIT):
    if random_pick:
        pick = book.random(speaker, about=about, include_fragments=show_all)
        return [pick] if pick else []
    found = book.find(speaker, about, include_fragments=show_all)
    return found if show_all or limit is None else found[:limit]


def render_quote(rank: int, quote, width: int = 88) -> str:
    who = quote.speaker + (" (fragment)" if quote.fragment else "")
    body = textwrap.fill(f"{who}: “{quote.text}”", width=width, initial_indent=f"[{rank}] ",
                         subsequent_indent="    ")
    lines = [body, f"    — {cite(quote.citation)}"]
    if not quote.complete:
        lines.append("    (the article never closes this quote; shown to the end of its paragraph)")
    return "\n".join(lines)


def render_quotes(quotes, width: int = 88) -> str:
    return "\n\n".join(render_quote(rank, q, width) for rank, q in enumerate(quotes, 1))


def _nothing_found(speaker: str | None, about: str | None) -> str:
    if about and speaker:
        return f"No quotes by {speaker} about “{about}”."
    if about:
        return f"No quotes about “{about}”."
    return f"No quotes by {speaker}." if speaker else "No quotes in the articles."


def quote_command(library_or_quotebook, speaker: str | None, about: str | None, show_all: bool,
                  random_pick: bool, as_json: bool, out: TextIO, err: TextIO,
                  limit: int | None = DEFAULT_LIMIT) -> int:
    book = _book(library_or_quotebook)
    canonical = None
    if speaker is not None:
        canonical = book.resolve_speaker(speaker)
        if canonical is None:
            print(unknown_speaker_message(book, speaker), file=err)
            return 1
    quotes = select_quotes(book, canonical, about, show_all, random_pick, limit)
    if as_json:
        out.write(json.dumps({"quotes": [q.to_dict() for q in quotes]}, ensure_ascii=False) + "\n")
    else:
        out.write((render_quotes(quotes) if quotes else _nothing_found(canonical, about)) + "\n")
    return 0


def speakers_command(library_or_quotebook, out: TextIO, err: TextIO | None = None, as_json: bool = False) -> int:
    book = _book(library_or_quotebook)
    speakers = book.speakers()
    if as_json:
        out.write(json.dumps({"speakers": [{"name": n, "quotes": c} for n, c in speakers]},
                             ensure_ascii=False) + "\n")
        return 0
    if not speakers:
        out.write("No quotes in the articles.\n")
        return 0
    width = max(len(name) for name, _ in speakers)
    for name, count in speakers:
        out.write(f"{name:<{width}}  {count} quote{'s' if count != 1 else ''}\n")
    return 0


def parse_chat_quote(line: str) -> tuple[str | None, str | None] | None:
    """`/quote speaker:Yann LeCun about:his politics` -> ("Yann LeCun", "his politics").

    Both options are optional and may come in either order; words before any
    option count as `about`.  None when the line is not a /quote command."""
    parsed = _parse_chat(line)
    return None if parsed is None else parsed[:2]


def _parse_chat(line: str) -> tuple[str | None, str | None, bool] | None:
    """(speaker, about, whether about was written without its `about:` key)."""
    command = _CHAT_COMMAND.match(line)
    if not command:
        return None
    rest = line[command.end():]
    values: dict[str, str] = {}
    options = list(_CHAT_OPTION.finditer(rest))
    bare = rest[:options[0].start()] if options else rest
    for option, following in zip(options, options[1:] + [None]):
        value = rest[option.end():following.start() if following else len(rest)]
        values[option.group(1).lower()] = _unquote(value)
    speaker = values.get("speaker") or None
    about = values.get("about") or None
    bare = _unquote(bare)
    if bare:
        about = f"{bare} {about}" if about else bare
    return speaker, about, bool(bare) and "about" not in values


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] in "\"'“‘" and value[-1] in "\"'”’":
        value = value[1:-1].strip()
    return value


def chat_quote_reply(library_or_quotebook, line: str) -> str:
    """The chat reply to `/quote …` or `/speakers`."""
    book = _book(library_or_quotebook)
    out, err = io.StringIO(), io.StringIO()
    if line.strip().lower().startswith("/speakers"):
        speakers_command(book, out, err)
        return out.getvalue().rstrip()
    parsed = _parse_chat(line)
    if parsed is None:
        return "Usage: /quote speaker:NAME about:TEXT (both optional)"
    speaker, about, bare = parsed
    # "/quote lecun" means the speaker, when the words name one.
    if bare and speaker is None and book.resolve_speaker(about):
        speaker, about = about, None
    quote_command(book, speaker, about, False, False, False, out, err, limit=CHAT_LIMIT)
    return (err.getvalue() or out.getvalue()).rstrip()
