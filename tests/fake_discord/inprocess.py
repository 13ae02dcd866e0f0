"""Running FeudBot inside the test's own event loop, for tests that swap parts
of it (a failing engine, an oversized answer) or read its log records."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from .server import FakeDiscord


def settings_for(fake: FakeDiscord, **overrides):
    from bot.settings import Settings

    values = dict(discord_token=fake.token, discord_api_base=fake.api_base, discord_gateway_url=fake.gateway_url,
                  discord_guild_id=fake.guild_id, ask_channel_ids=[], owner_ids=[], cooldown_questions=1000,
                  cooldown_seconds=30.0, shard_count=1, top_k=3, log_level="INFO")
    values.update(overrides)
    # _env_file=None: a developer's .env must not change what the test runs.
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def running_bot(fake: FakeDiscord, library, state_dir: Path, **overrides) -> AsyncIterator[object]:
    from bot.client import create_bot
    from bot.discord_endpoints import apply_settings

    settings = settings_for(fake, **overrides)
    restore = apply_settings(settings)
    bot = create_bot(settings, library, sync_state_dir=state_dir)
    runner = asyncio.create_task(bot.start(fake.token))
    try:
        waiter = asyncio.create_task(fake.wait_connected(20))
        await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if runner.done():
            waiter.cancel()
            runner.result()  # raises the bot's startup failure
        await waiter
        yield bot
    finally:
        await bot.close()
        try:
            await asyncio.wait_for(runner, 5)
        except Exception:
            runner.cancel()
        restore()
