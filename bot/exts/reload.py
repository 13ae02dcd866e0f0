"""/reload and WATCH_CORPUS: pick up corpus changes without a restart.

The new Library is built in a worker thread while the old one keeps
answering, then swapped in with one attribute assignment.  Readers take
`bot.library` once per question, so a question in flight finishes on the
index it started with.

A reload is all or nothing: if any article file (or people.yaml /
synonyms.yaml) fails to parse, the bot keeps the corpus it has and says
which file and why.  Skipping the bad file instead would quietly drop an
article that was fine a minute ago whenever an edit breaks it.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.engine.corpus import CorpusError
from bot.engine.library import Library

log = logging.getLogger(__name__)

WATCH_INTERVAL = 2.0
WATCHED_SUFFIXES = (".md", ".yaml", ".yml")
# Discord's content limit is 2000; room is left for the "…and N more" line.
MAX_REPLY = 1800


@dataclass(frozen=True)
class ReloadOutcome:
    ok: bool
    message: str


class LibraryReloader:
    """Rebuilds `holder.library` from its corpus folder, one rebuild at a time."""

    def __init__(self, holder, settings=None, loader: Callable[..., Library] = Library.load) -> None:
        self.holder = holder  # anything with a `.library` attribute; the bot in production
        self.settings = settings
        self._loader = loader
        self._lock = asyncio.Lock()

    @property
    def directory(self) -> Path:
        return Path(self.holder.library.corpus.directory)

    async def reload(self, trigger: str = "reload") -> ReloadOutcome:
        """`trigger` says who or what asked, for the log."""
        async with self._lock:
            old = self.holder.library
            directory = old.corpus.directory
            try:
                new = await asyncio.to_thread(self._loader, directory, self.settings)
            except CorpusError as exc:
                return self._refuse(old, [exc], trigger)
            except Exception as exc:  # a bug must not take the serving corpus down with it
                log.exception("Building the new library from %s failed", directory)
                return self._refuse(old, [f"unexpected {exc.__class__.__name__}: {exc}"], trigger)
            if new.problems:
                return self._refuse(old, list(new.problems), trigger)
            self.holder.library = new  # the swap: one assignment
            message = describe_change(old, new)
            log.info("Corpus reloaded (%s) from %s: %s", trigger, directory, " ".join(message.splitlines()))
            return ReloadOutcome(True, message)

    @staticmethod
    def _refuse(old: Library, problems: list, trigger: str) -> ReloadOutcome:
        log.warning("Corpus reload refused (%s); still serving the previous %d articles: %s",
                    trigger, len(old.corpus.articles), "; ".join(str(p) for p in problems))
        lines = [f"Reload failed, so I'm still answering from the previous corpus "
                 f"({len(old.corpus.articles)} articles). Fix or remove the file, then /reload again:"]
        lines += [f"• {_short(p)}" for p in problems]
        return ReloadOutcome(False, _fit(lines))


def _short(problem) -> str:
    # The owner knows where the corpus is; the file name is the useful part.
    if isinstance(problem, CorpusError):
        return f"{problem.path.name}: {problem.reason}"
    return str(problem)


def _fit(lines: list[str]) -> str:
    kept: list[str] = []
    for number, line in enumerate(lines):
        if len("\n".join([*kept, line])) > MAX_REPLY:
            kept.append(f"…and {len(lines) - number} more (see the log)")
            break
        kept.append(line)
    return "\n".join(kept)


def describe_change(old: Library, new: Library) -> str:
    before = {a.slug: a for a in old.corpus.articles}
    after = {a.slug: a for a in new.corpus.articles}
    added = [after[s].title for s in after.keys() - before.keys()]
    removed = [before[s].title for s in before.keys() - after.keys()]
    changed = [after[s].title for s in after.keys() & before.keys() if _content(after[s]) != _content(before[s])]
    parts = [f"{label}: " + "; ".join(f"“{t}”" for t in sorted(titles))
             for label, titles in (("added", added), ("removed", removed), ("changed", changed)) if titles]
    summary = f"Reloaded the corpus: {len(after)} articles, {len(new.corpus.passages)} passages."
    return _fit([summary, *(parts or ["No article changed."])])


def _content(article) -> tuple:
    return (article.title, article.source, article.url, article.author, article.published,
            tuple((p.heading, p.text) for p in article.passages))


class CorpusWatcher:
    """Polls the corpus folder and reloads once a change has settled.

    Polling a handful of files every few seconds costs nothing, works on every
    filesystem (including bind mounts, where inotify events go missing) and
    needs no new dependency.
    """

    def __init__(self, reloader: LibraryReloader, interval: float = WATCH_INTERVAL) -> None:
        self.reloader = reloader
        self.interval = interval

    async def run(self) -> None:
        last = await asyncio.to_thread(snapshot, self.reloader.directory)
        pending = last
        while True:
            await asyncio.sleep(self.interval)
            current = await asyncio.to_thread(snapshot, self.reloader.directory)
            if current == last:
                pending = last
                continue
            if current != pending:
                pending = current  # still changing (an editor mid-save): wait one more poll
                continue
            last = current
            # The reloader logs the outcome; after a failure, the next try waits for the next change.
            await self.reloader.reload("WATCH_CORPUS")


def snapshot(directory: Path) -> dict[str, tuple[int, int, int]] | None:
    """Name → (mtime, size, inode) of the corpus files; None if the folder is gone."""
    try:
        entries = list(Path(directory).iterdir())
    except OSError:
        return None
    state = {}
    for path in entries:
        if path.name.startswith(".") or path.suffix.lower() not in WATCHED_SUFFIXES:
            continue
        try:
            st = path.stat()
        except OSError:  # removed between listing and stat
            continue
        state[path.name] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return state


async def owner_only(interaction: discord.Interaction) -> bool:
    # Bot.is_owner honours OWNER_IDS and otherwise asks Discord for the
    # application's owner or team.
    return await interaction.client.is_owner(interaction.user)


class Reload(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.reloader = LibraryReloader(bot, bot.settings)
        self._watch: asyncio.Task | None = None

    async def cog_load(self) -> None:
        if getattr(self.bot.settings, "watch_corpus", False):
            self._watch = asyncio.create_task(CorpusWatcher(self.reloader).run(), name="feudbot-corpus-watch")
            self._watch.add_done_callback(_report_crash)
            log.info("WATCH_CORPUS: watching %s for changes", self.reloader.directory)

    async def cog_unload(self) -> None:
        if self._watch is not None:
            self._watch.cancel()

    @app_commands.command(name="reload", description="Owner only: reload the articles from disk")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(owner_only)
    async def reload(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.reloader.reload(f"/reload by user {interaction.user.id}")
        await interaction.followup.send(outcome.message, ephemeral=True)


def _report_crash(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("WATCH_CORPUS watcher stopped", exc_info=task.exception())


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Reload(bot))
