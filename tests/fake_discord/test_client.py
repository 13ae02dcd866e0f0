"""bot/client.py and bot/launcher.py details that the long end-to-end run does not pin down."""
from __future__ import annotations

import asyncio
import logging

import discord

from . import FakeDiscord
from .inprocess import running_bot, settings_for


def test_message_content_intent_only_with_ask_channels():
    from bot.client import intents_for

    fake = FakeDiscord()
    plain = intents_for(settings_for(fake))
    assert not plain.message_content and plain.guild_messages and plain.dm_messages and plain.guilds
    assert not plain.members and not plain.presences
    assert intents_for(settings_for(fake, ask_channel_ids=[1])).message_content


def test_state_dir_can_be_overridden(monkeypatch, tmp_path):
    from bot.client import state_dir

    monkeypatch.setenv("FEUDBOT_STATE_DIR", str(tmp_path / "s"))
    assert state_dir() == tmp_path / "s"
    monkeypatch.delenv("FEUDBOT_STATE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert state_dir() == tmp_path / "cache" / "feudbot"


def test_endpoints_accept_a_bare_host_and_are_restored():
    from bot.discord_endpoints import api_base_url, use_endpoints

    assert api_base_url("http://127.0.0.1:9/") == "http://127.0.0.1:9/api/v10"
    assert api_base_url("http://127.0.0.1:9/api/v10") == "http://127.0.0.1:9/api/v10"
    before = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    restore = use_endpoints("http://h:1", "ws://h:1/gw")
    assert discord.http.Route("GET", "/users/@me").url == "http://h:1/api/v10/users/@me"
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://h:1/gw"
    restore()
    assert (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == before


def test_the_token_is_redacted_from_log_records(capsys):
    from bot.launcher import _Redact

    handler = logging.StreamHandler()
    handler.addFilter(_Redact("s3cret.token"))
    logger = logging.getLogger("feudbot-redaction-test")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("connecting with %s now", "s3cret.token")
    finally:
        logger.removeHandler(handler)
    err = capsys.readouterr().err
    assert "s3cret.token" not in err and "[token]" in err


def test_sharded_bot_answers_from_the_guilds_shard(library, tmp_path, monkeypatch):
    from bot.client import ShardedFeudBot

    async def no_identify_wait(self, shard_id, *, initial=False):
        return None  # the 5 s pause is Discord's identify rate limit; the fake has none

    monkeypatch.setattr(ShardedFeudBot, "before_identify_hook", no_identify_wait)

    async def go():
        async with FakeDiscord() as fake, running_bot(fake, library, tmp_path, shard_count=2) as bot:
            assert isinstance(bot, ShardedFeudBot)
            await fake.wait_for(lambda: len(fake.identifies) == 2, 10, "both shards to identify")
            assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
            ask = await fake.slash("ask", {"question": "Who is Clem Delangue?"})
            await ask.wait_ack(3)
            assert "Delangue" in (await ask.wait_reply())["embeds"][0]["description"]
            assert fake.violations == []
    asyncio.run(go())


def test_unchanged_commands_are_not_synced_again(library, tmp_path):
    async def go():
        async with FakeDiscord() as fake:
            for _ in range(2):
                async with running_bot(fake, library, tmp_path):
                    pass
            assert len(fake.command_puts) == 1
            async with running_bot(fake, library, tmp_path, discord_guild_id=None):
                pass
            assert [scope for scope, _ in fake.command_puts] == [fake.guild_id, None]
    asyncio.run(go())
