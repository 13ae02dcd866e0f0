"""Replying to interactions in time, whichever way they were acknowledged.

Discord forgets an interaction that is not acknowledged within three seconds
and shows the user "This interaction failed".  Work that is usually instant
(a BM25 lookup) is given a short budget; only when it overruns is the
interaction deferred, so the common case is one message without a
"thinking…" flash, and the slow case still acknowledges in time.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, TypeVar

import discord

log = logging.getLogger(__name__)
T = TypeVar("T")

ACK_DEADLINE = 3.0
# Room left for the acknowledgement request itself to reach Discord.
SAFETY = 1.0
BUDGET = 1.0


def seconds_since(interaction: discord.Interaction) -> float:
    # The snowflake's time is Discord's clock; a skewed local clock only makes
    # the budget smaller or larger within the clamp, never negative.
    return max(0.0, (discord.utils.utcnow() - interaction.created_at).total_seconds())


# Interactions whose work is under way.  Under a burst the work queues up
# behind the others', so the budget shrinks with the queue: each waits less
# before deferring, and acknowledgements are not stuck behind the queue.
_pending = 0


async def within_deadline(interaction: discord.Interaction, work: Awaitable[T], *, ephemeral: bool = False,
                          budget: float = BUDGET) -> T:
    """The result of `work`, deferring the interaction first if the work overruns its budget."""
    global _pending
    task = asyncio.ensure_future(work)
    wait = max(0.0, min(budget / (1 + _pending), ACK_DEADLINE - SAFETY - seconds_since(interaction)))
    _pending += 1
    task.add_done_callback(_finished)
    try:
        done, _ = await asyncio.wait({task}, timeout=wait)
        if not done and not interaction.response.is_done():
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        return await task
    except BaseException:
        task.cancel()
        raise


def _finished(_task: asyncio.Future) -> None:
    global _pending
    _pending -= 1


async def send(interaction: discord.Interaction, *, ephemeral: bool = False, **kwargs) -> None:
    """Send the reply whether or not the interaction was deferred."""
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **kwargs)


async def tell(interaction: discord.Interaction, text: str) -> None:
    """A short private note to the user; a failure to deliver it is only logged."""
    try:
        await send(interaction, content=text, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("Could not reply to interaction %s: %s", interaction.id, exc)


APOLOGY = "Sorry — something went wrong on my side while answering. It has been logged; please try again."
