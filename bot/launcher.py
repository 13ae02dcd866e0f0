"""`feudbot run` and `feudbot sync`: start the bot, or push its slash commands.

Failures a user can fix (no token, a rejected token, a bad corpus, a
privileged intent not enabled) end in one line on stderr and exit code 1,
never a traceback.  The token is never logged or printed: log records that
would contain it are redacted.
"""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

log = logging.getLogger("bot.launcher")

# Seconds to let the gateway close politely after SIGINT/SIGTERM.
CLOSE_TIMEOUT = 5.0

_logging_configured = False


class _Redact(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, "[token]"), ()
        return True


def configure_logging(level_name: str, secret: str | None = None) -> None:
    """discord.py's logging style on stderr, set up once per process."""
    global _logging_configured
    import discord.utils

    level = logging.getLevelName(str(level_name).upper())
    if not isinstance(level, int):
        level = logging.INFO
    root = logging.getLogger()
    if not _logging_configured:
        # The CLI's basicConfig handler would print every record a second time.
        for handler in list(root.handlers):
            root.removeHandler(handler)
        handler = logging.StreamHandler(sys.stderr)
        # discord.py colours output inside any Docker container, even into a
        # log file; colour only a terminal.
        if sys.stderr.isatty() and "NO_COLOR" not in os.environ:
            formatter = discord.utils._ColourFormatter()
        else:
            formatter = logging.Formatter("[{asctime}] [{levelname:<8}] {name}: {message}",
                                          "%Y-%m-%d %H:%M:%S", style="{")
        discord.utils.setup_logging(handler=handler, formatter=formatter, level=level, root=True)
        _logging_configured = True
        if not isinstance(logging.getLevelName(str(level_name).upper()), int):
            log.warning("Unknown LOG_LEVEL %r; using INFO", level_name)
    root.setLevel(level)
    if secret:
        for handler in root.handlers:
            if not any(isinstance(f, _Redact) and f.secret == secret for f in handler.filters):
                handler.addFilter(_Redact(secret))


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _token(settings) -> str | None:
    secret = settings.discord_token
    token = secret.get_secret_value().strip() if secret is not None else ""
    return token or None


def _load_library(settings):
    from bot.engine.corpus import CorpusError
    from bot.engine.library import Library
    from bot.paths import bundled_corpus_dir

    directory = Path(settings.corpus_dir or bundled_corpus_dir())
    try:
        library = Library.load(directory, settings)
    except CorpusError as exc:
        return None, str(exc)
    for problem in library.problems:
        log.warning("Skipped %s", problem)
    # Built now rather than by the first /quote, so its notes land in the startup log.
    library.quotes
    return library, None


def _prepare(settings):
    """(token, library, error message); shared by run and sync."""
    token = _token(settings)
    if token is None:
        return None, None, "DISCORD_TOKEN is not set (put it in .env or the environment)"
    configure_logging(settings.log_level, token)
    library, problem = _load_library(settings)
    if library is None:
        return token, None, problem
    return token, library, None


def _explain(exc: BaseException, settings) -> str | None:
    """A one-line explanation of a failure the user can fix, or None."""
    import aiohttp
    import discord

    if isinstance(exc, discord.LoginFailure):
        return "invalid token: Discord rejected DISCORD_TOKEN (copy it again from the Bot page of the developer portal)"
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return ("the Message Content intent is not enabled for this bot: enable it on the Bot page of the "
                "developer portal, or leave ASK_CHANNEL_IDS empty")
    if isinstance(exc, discord.ConnectionClosed) and exc.code == 4004:
        return "invalid token: the Discord gateway rejected DISCORD_TOKEN"
    if isinstance(exc, (aiohttp.ClientConnectionError, discord.GatewayNotFound, OSError)):
        where = settings.discord_api_base or "discord.com"
        return f"cannot reach Discord ({where}): {exc.__class__.__name__}: {exc}".rstrip(": ")
    if isinstance(exc, discord.Forbidden):
        return f"Discord refused a request: {exc.text or exc}"
    return None


def run_bot(settings) -> int:
    """Run the bot until SIGINT or SIGTERM; 0 after a clean stop, 1 on a failure."""
    # Exit 0 on KeyboardInterrupt: platforms without loop signal handlers stop that way.
    return _drive(settings, _run, interrupted=0)


def _drive(settings, main, interrupted: int) -> int:
    """Prepare token and library, point discord.py at the configured endpoints, run `main`."""
    token, library, problem = _prepare(settings)
    if problem:
        return _fail(problem)
    from bot.discord_endpoints import apply_settings

    restore = apply_settings(settings)
    try:
        return asyncio.run(main(settings, library, token))
    except KeyboardInterrupt:
        return interrupted
    finally:
        restore()


async def _run(settings, library, token: str) -> int:
    from bot.client import create_bot

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    bot = create_bot(settings, library)
    async with bot:
        runner = asyncio.create_task(bot.start(token), name="feudbot")
        stopper = asyncio.create_task(stop.wait(), name="feudbot-stop")
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            log.info("Stopping: closing the gateway connection")
            await _close(bot, runner)
            return 0
        stopper.cancel()
        try:
            runner.result()
        except Exception as exc:
            return _failure(exc, settings, "The bot stopped after an unexpected error")
    return 0


def _failure(exc: Exception, settings, what: str) -> int:
    """Exit code 1: a one-line reason for failures with a known cause, else the traceback to the log."""
    explanation = _explain(exc, settings)
    if explanation is None:
        log.error(what, exc_info=exc)
        return 1
    return _fail(explanation)


async def _close(bot, runner: asyncio.Task) -> None:
    try:
        await asyncio.wait_for(bot.close(), CLOSE_TIMEOUT)
    except Exception as exc:  # a failure while shutting down changes nothing now
        log.debug("Ignoring %r while stopping", exc)
    # The gateway is closed now; but while Discord was unreachable, discord.py
    # may be sleeping out a reconnect backoff, which nothing need wait for.
    done, _ = await asyncio.wait({runner}, timeout=1.0)
    if not done:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)


def sync_commands(settings) -> int:
    """Push the slash commands to Discord now, changed or not."""
    return _drive(settings, _sync, interrupted=130)


async def _sync(settings, library, token: str) -> int:
    from bot.client import create_bot

    bot = create_bot(settings, library, force_sync=True)
    async with bot:
        try:
            # Logging in runs setup_hook, which loads the extensions and syncs;
            # no gateway connection is needed.
            await bot.login(token)
        except Exception as exc:
            return _failure(exc, settings, "Syncing the commands failed")
    report = bot.sync_report
    where = "globally" if report.target == "global" else f"to {report.target}"
    print(f"Synced {report.commands} slash commands {where}.")
    return 0
