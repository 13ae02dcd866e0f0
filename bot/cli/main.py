"""The `feudbot` command: argument parsing and dispatch.

Heavy imports (discord.py, trafilatura) happen inside the commands that need
them, so `feudbot ask` starts fast.
"""
from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from typing import Sequence

from bot import __version__
from bot.cli.loading import CommandError, corpus_dir, load_library, load_settings


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 50:
        raise argparse.ArgumentTypeError("must be between 1 and 50")
    return value


def iso_date(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2024-05-28: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="feudbot",
        description="Answers questions about the May 2024 LeCun–Musk feud from cited news passages.",
    )
    parser.add_argument("--version", action="version", version=f"feudbot {__version__}")
    parser.add_argument("--corpus", metavar="DIR", help="corpus folder (default: CORPUS_DIR, else the bundled one)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = commands.add_parser("ask", help="answer a question, or one question per line from stdin")
    ask.add_argument("question", nargs="?", help="the question (omit to read stdin)")
    ask.add_argument("--top-k", type=positive_int, default=None, metavar="N", help="passages to show (default 3)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")

    commands.add_parser("chat", help="an interactive session that answers the way the bot does")
    commands.add_parser("sources", help="list the articles")

    evaluate = commands.add_parser("eval", help="score retrieval on a JSONL file of questions")
    evaluate.add_argument("file", metavar="FILE.jsonl")
    evaluate.add_argument("--top-k", type=positive_int, default=3, metavar="N")

    corpus = commands.add_parser("corpus", help="corpus maintenance")
    corpus_commands = corpus.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    check = corpus_commands.add_parser("check", help="validate every article; exit 1 if any is bad")
    check.add_argument("dir", nargs="?", help="folder to check (default: the corpus in use)")

    quote = commands.add_parser("quote", help="quotes: who said what, with citations")
    quote.add_argument("--speaker", metavar="NAME")
    quote.add_argument("--about", metavar="TEXT")
    quote.add_argument("--all", action="store_true", help="every quote, fragments included")
    quote.add_argument("--random", action="store_true", help="one quote at random")
    quote.add_argument("--json", action="store_true")
    commands.add_parser("speakers", help="list the speakers and their quote counts")

    add = commands.add_parser("add", help="add an article from a saved page, a .md/.txt file or a URL")
    add.add_argument("source", metavar="SOURCE", help="a .html/.htm file, a .md/.txt file, or an http(s) URL")
    add.add_argument("--title", help="the article's title (text files: default is the first line)")
    add.add_argument("--source", dest="source_name", metavar="NAME",
                     help="the publication, e.g. VentureBeat (text files: needed unless --url names the site)")
    add.add_argument("--url", help="where the article was published")
    add.add_argument("--author")
    add.add_argument("--published", type=iso_date, metavar="YYYY-MM-DD")
    remove = commands.add_parser("remove", help="take an article out of the corpus")
    remove.add_argument("slug", metavar="SLUG", help="the file name without .md")

    commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")
    commands.add_parser("sync", help="push the slash commands to Discord now")
    return parser


def dispatch(args: argparse.Namespace) -> int:
    settings = load_settings()
    directory = corpus_dir(args.corpus, settings)
    if args.corpus and not directory.is_dir():
        raise CommandError(f"error: corpus folder does not exist: {directory}", 2)

    if args.command == "corpus":
        from bot.cli.corpus_check import check_command

        return check_command(args.dir or directory, sys.stdout)
    if args.command in ("run", "sync"):
        from bot.launcher import run_bot, sync_commands

        if args.corpus:
            settings = settings.model_copy(update={"corpus_dir": directory})
        return run_bot(settings) if args.command == "run" else sync_commands(settings)

    # add/remove must work on a corpus that does not load (e.g. still empty).
    if args.command == "add":
        from bot.cli.add import add_command

        return add_command(directory, args.source, sys.stdout, title=args.title, source_name=args.source_name,
                           url=args.url, author=args.author, published=args.published)
    if args.command == "remove":
        from bot.cli.add import remove_command

        return remove_command(directory, args.slug, sys.stdout)

    library = load_library(directory, settings)
    if args.command == "ask":
        from bot.cli.ask import ask_command, questions_from

        top_k = args.top_k or settings.top_k
        return ask_command(library, questions_from(args.question, sys.stdin), top_k, args.json, sys.stdout)
    if args.command == "chat":
        from bot.cli.chat import chat_command

        return chat_command(library, settings.top_k, sys.stdin, sys.stdout)
    if args.command == "sources":
        from bot.cli.render import render_sources

        print(render_sources(library.corpus.articles))
        return 0
    if args.command == "eval":
        from bot.cli.evaluate import eval_command

        return eval_command(library, args.file, args.top_k, sys.stdout)
    if args.command == "quote":
        from bot.cli.quotes_cli import quote_command

        return quote_command(library, args.speaker, args.about, args.all, args.random, args.json,
                             sys.stdout, sys.stderr)
    if args.command == "speakers":
        from bot.cli.quotes_cli import speakers_command

        return speakers_command(library, sys.stdout, sys.stderr)
    raise AssertionError(f"unhandled command {args.command}")


def main(argv: Sequence[str] | None = None) -> int:
    # Undecodable bytes in piped input become U+FFFD rather than a crash.
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = build_parser().parse_args(argv)
    if args.command not in ("run", "sync"):  # the bot configures its own logging, once
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return dispatch(args)
    except CommandError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
