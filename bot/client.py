"""The Discord client: intents, extensions, and syncing slash commands only when they change."""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

import discord
from discord.ext import commands

from bot.exts import extension_names
from bot.exts.cooldown import QuestionLimiter
from bot.exts.pager import AnswerStore

log = logging.getLogger(__name__)
T = TypeVar("T")

SYNC_FILE = "command-sync.json"


def state_dir(settings=None) -> Path:
    """Where small bits of bot state live (the last command-sync hash)."""
    configured = getattr(settings, "state_dir", None) or os.environ.get("FEUDBOT_STATE_DIR")
    if configured:
        return Path(configured).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "feudbot"


def intents_for(settings) -> discord.Intents:
    intents = discord.Intents.none()
    # Channels and the bot's own member, so interactions and replies resolve.
    intents.guilds = True
    # Mentions in servers and direct messages arrive as MESSAGE_CREATE; Discord
    # includes their text even without the message-content intent.
    intents.guild_messages = True
    intents.dm_messages = True
    # Privileged, and needed only to read every message of the ask channels.
    intents.message_content = bool(settings.ask_channel_ids)
    return intents


@dataclass(frozen=True)
class SyncReport:
    target: str  # "guild 123" or "global"
    commands: int
    synced: bool  # False when skipped because nothing changed


class FeudBot(commands.Bot):
    def __init__(self, settings, library, *, sync_state_dir: Path | None = None, force_sync: bool = False,
                 **options) -> None:
        # The bot is never a voice client; silence discord.py's warnings about it.
        discord.VoiceClient.warn_nacl = False
        if hasattr(discord.VoiceClient, "warn_dave"):
            discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents_for(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            owner_ids=set(settings.owner_ids) or None,
            **options,
        )
        self.settings = settings
        self.library = library
        self.answer_store = AnswerStore()
        self.limiter = QuestionLimiter(settings.cooldown_questions, settings.cooldown_seconds,
                                       frozenset(settings.owner_ids))
        self.sync_state_dir = sync_state_dir or state_dir(settings)
        self.force_sync = force_sync
        self.sync_report: SyncReport | None = None
        # One worker: retrieval is CPU work that holds the GIL, so more threads
        # would only take turns with the event loop and slow every
        # acknowledgement under a burst; one queue keeps the loop responsive.
        self._retrieval = ThreadPoolExecutor(max_workers=1, thread_name_prefix="retrieval")

    async def off_loop(self, function: Callable[..., T], *args) -> T:
        """Run engine work (retrieval, quote search) away from the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._retrieval, function, *args)

    async def close(self) -> None:
        await super().close()
        self._retrieval.shutdown(wait=False, cancel_futures=True)

    async def setup_hook(self) -> None:
        for name in extension_names():
            await self.load_extension(name)
        self.sync_report = await self.sync_commands(force=self.force_sync)

    async def on_message(self, message: discord.Message) -> None:
        # No prefix commands: the Ask cog's listener handles mentions and DMs.
        return

    async def on_ready(self) -> None:
        guilds = len(self.guilds)
        log.info("Ready as %s (id %s) in %d server%s; answering from %d articles", self.user,
                 self.user.id if self.user else "?", guilds, "" if guilds == 1 else "s",
                 len(self.library.corpus.articles))

    # -- command sync ------------------------------------------------------------

    def _sync_target(self) -> discord.Object | None:
        guild_id = self.settings.discord_guild_id
        return discord.Object(id=guild_id) if guild_id else None

    def command_payload(self, guild: discord.Object | None) -> list[dict]:
        return [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]

    async def sync_commands(self, *, force: bool = False) -> SyncReport:
        """Push the slash commands to Discord if they differ from the last push.

        Discord rate-limits command registration hard (a few hundred a day), and
        a restart rarely changes the commands, so the last pushed set's hash is
        kept on disk.  With DISCORD_GUILD_ID they go to that server, where
        changes show at once (handy while developing); otherwise globally."""
        guild = self._sync_target()
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = self.command_payload(guild)
        target = f"guild {guild.id}" if guild else "global"
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        key = f"{self.application_id}:{target}"
        hashes = self._read_sync_state()
        if not force and hashes.get(key) == digest:
            log.info("Slash commands unchanged since the last sync (%s); not syncing", target)
            return SyncReport(target, len(payload), synced=False)
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.Forbidden:
            log.error("Discord refused the command sync to %s: invite the bot with the "
                      "applications.commands scope, and check DISCORD_GUILD_ID", target)
            raise
        hashes[key] = digest
        self._write_sync_state(hashes)
        log.info("Synced %d slash commands (%s)", len(synced), target)
        return SyncReport(target, len(synced), synced=True)

    def _read_sync_state(self) -> dict:
        try:
            data = json.loads((self.sync_state_dir / SYNC_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_sync_state(self, hashes: dict) -> None:
        path = self.sync_state_dir / SYNC_FILE
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(hashes, indent=2, sort_keys=True), encoding="utf-8")
            temporary.replace(path)
        except OSError as exc:
            # Only costs a redundant sync next start.
            log.warning("Could not save the command-sync state in %s: %s", path.parent, exc)


class ShardedFeudBot(FeudBot, commands.AutoShardedBot):
    """FeudBot on several gateway connections, for when one is not allowed (2,500+ servers)."""


def create_bot(settings, library, **options) -> FeudBot:
    if settings.shard_count > 1:
        return ShardedFeudBot(settings, library, shard_count=settings.shard_count, **options)
    return FeudBot(settings, library, **options)
