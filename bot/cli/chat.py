"""`feudbot chat`: a local session that answers the way the bot does."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from bot.cli.render import render_answer, render_sources
from bot.engine.library import Library

HELP = """Ask anything about the May 2024 LeCun–Musk feud on X, in plain words.
  /sources                      the articles I answer from
  /quote speaker:NAME about:TEXT  exact quotes, with who said them (both parts optional)
  /speakers                     who has quotes
  /help                         this text
Ctrl-D (or /quit) leaves."""


def _history_file() -> Path:
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "feudbot" / "chat_history"


def _enable_line_editing() -> None:
    """Arrow keys, editing and a history kept between sessions, via readline."""
    try:
        import atexit
        import readline
    except ImportError:  # Windows without pyreadline: plain input still works
        return
    path = _history_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            readline.read_history_file(path)
    except OSError:
        return
    readline.set_history_length(1000)
    atexit.register(lambda: _save_history(readline, path))


def _save_history(readline, path: Path) -> None:
    try:
        readline.write_history_file(path)
    except OSError:
        pass


def reply_to(line: str, library: Library, top_k: int) -> str | None:
    """The reply to one line of chat; None means leave."""
    text = line.strip()
    command, _, rest = text.partition(" ")
    if command in ("/quit", "/exit"):
        return None
    if command == "/help":
        return HELP
    if command == "/sources":
        return render_sources(library.corpus.articles)
    if command in ("/quote", "/speakers"):
        from bot.cli.quotes_cli import chat_quote_reply

        return chat_quote_reply(library, text)
    if command.startswith("/"):
        return f"Unknown command {command}. Try /help."
    return render_answer(library.answers.ask(text, top_k=top_k), library.corpus.articles)


def chat_command(library: Library, top_k: int, stdin: TextIO, out: TextIO) -> int:
    interactive = stdin.isatty()
    if interactive:
        _enable_line_editing()
        print("feudbot chat — ask about the LeCun–Musk feud. /help for commands, Ctrl-D to leave.", file=out)
    while True:
        try:
            line = input("you> ") if interactive else stdin.readline()
        except EOFError:
            break
        except KeyboardInterrupt:  # Ctrl-C clears the line, as in a shell
            print(file=out)
            continue
        if not interactive and line == "":
            break
        if not line.strip():
            continue
        reply = reply_to(line, library, top_k)
        if reply is None:
            break
        print(reply + "\n", file=out, flush=True)
    if interactive:
        print(file=out)
    return 0
