"""The ◀ ▶ and Sources buttons under an answer.

The buttons are DynamicItems: the custom_id carries the answer's key and the
page shown, so discord.py routes a click even when the bot restarted after
sending the message.  The answers themselves live only in memory; a click on
one that is gone is told the answer expired, never left to Discord's
"This interaction failed".
"""
from __future__ import annotations

import logging
import re
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Awaitable, Callable

import discord
from discord import ui

from bot.engine.answers import Answer
from bot.exts.embeds import answer_embed, sources_embed
from bot.exts.replies import APOLOGY, tell

log = logging.getLogger(__name__)

EXPIRED = ("This answer has expired — I have restarted or forgotten it since. "
           "Please ask again with /ask (or mention me).")
NOT_YOURS = "Only the person who asked can turn these pages. Ask your own with /ask — it's quick."
PREFIX = "feudbot:"


@dataclass(frozen=True)
class StoredAnswer:
    answer: Answer
    asker_id: int
    at: float


class AnswerStore:
    """Recent answers by key, bounded in size and age."""

    def __init__(self, capacity: int = 5000, max_age: float = 24 * 3600) -> None:
        self.capacity = capacity
        self.max_age = max_age
        self._items: OrderedDict[str, StoredAnswer] = OrderedDict()

    def add(self, answer: Answer, asker_id: int) -> str:
        key = secrets.token_hex(6)
        self._items[key] = StoredAnswer(answer, asker_id, time.monotonic())
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> StoredAnswer | None:
        stored = self._items.get(key)
        if stored is None or time.monotonic() - stored.at > self.max_age:
            self._items.pop(key, None)
            return None
        return stored

    def __len__(self) -> int:
        return len(self._items)


def _store(interaction: discord.Interaction) -> AnswerStore:
    return interaction.client.answer_store  # type: ignore[attr-defined]


async def _guarded(interaction: discord.Interaction, action: Callable[[], Awaitable[None]]) -> None:
    # discord.py only logs a failing DynamicItem callback; the user would see
    # "This interaction failed".
    try:
        await action()
    except Exception:
        log.exception("Button %s failed", (interaction.data or {}).get("custom_id"))
        if not interaction.response.is_done():
            await tell(interaction, APOLOGY)


class PageButton(ui.DynamicItem[ui.Button],
                 template=r"feudbot:page:(?P<key>[0-9a-f]{12}):(?P<page>\d{1,2}):(?P<step>prev|next)"):
    def __init__(self, key: str, page: int, step: str, *, disabled: bool = False) -> None:
        super().__init__(ui.Button(style=discord.ButtonStyle.secondary, label="◀" if step == "prev" else "▶",
                                   custom_id=f"{PREFIX}page:{key}:{page}:{step}", disabled=disabled))
        self.key, self.page, self.step = key, page, step

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Button, match: re.Match[str]):
        return cls(match["key"], int(match["page"]), match["step"])

    async def callback(self, interaction: discord.Interaction) -> None:
        target = self.page + (1 if self.step == "next" else -1)
        await _guarded(interaction, lambda: turn_page(interaction, self.key, target))


class SourcesButton(ui.DynamicItem[ui.Button], template=r"feudbot:sources:(?P<key>[0-9a-f]{12})"):
    def __init__(self, key: str) -> None:
        super().__init__(ui.Button(style=discord.ButtonStyle.secondary, label="Sources",
                                   custom_id=f"{PREFIX}sources:{key}"))
        self.key = key

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Button, match: re.Match[str]):
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _guarded(interaction, lambda: show_sources(interaction, self.key))


BUTTONS = (PageButton, SourcesButton)


def is_stale_custom_id(custom_id: str) -> bool:
    """A button of ours that no current DynamicItem understands (an older bot sent it)."""
    return custom_id.startswith(PREFIX) and not any(
        item.__discord_ui_compiled_template__.fullmatch(custom_id) for item in BUTTONS)


def answer_view(key: str, page: int, total: int) -> ui.View:
    view = ui.View(timeout=None)
    if total > 1:
        view.add_item(PageButton(key, page, "prev", disabled=page <= 0))
        view.add_item(PageButton(key, page, "next", disabled=page >= total - 1))
    view.add_item(SourcesButton(key))
    return view


async def turn_page(interaction: discord.Interaction, key: str, page: int) -> None:
    stored = _store(interaction).get(key)
    if stored is None:
        await tell(interaction, EXPIRED)
        return
    if interaction.user.id != stored.asker_id:
        await tell(interaction, NOT_YOURS)
        return
    total = len(stored.answer.results)
    page = max(0, min(page, total - 1))
    await interaction.response.edit_message(embed=answer_embed(stored.answer, page),
                                            view=answer_view(key, page, total))


async def show_sources(interaction: discord.Interaction, key: str) -> None:
    # The article list outlives the answer, so this works after a restart too.
    stored = _store(interaction).get(key)
    cited = set()
    if stored is not None:
        for result in stored.answer.results:
            cited.update(c.url or c.title for c in (result.citation, *result.corroborations))
    articles = interaction.client.library.corpus.articles  # type: ignore[attr-defined]
    await interaction.response.send_message(embed=sources_embed(articles, cited), ephemeral=True)
