"""The per-user question limit: COOLDOWN_QUESTIONS per COOLDOWN_SECONDS.

One limiter is shared by /ask, /quote, mentions, DMs and ask channels, so a
user cannot dodge it by switching from slash commands to mentions.
"""
from __future__ import annotations

import time
from collections import deque

import discord
from discord import app_commands


class QuestionLimiter:
    """A sliding window per user; owners are never limited."""

    def __init__(self, questions: int, seconds: float, exempt: frozenset[int] = frozenset()) -> None:
        self.questions = questions
        self.seconds = seconds
        self.exempt = exempt
        self._asked: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}

    def hit(self, user_id: int, now: float | None = None) -> float | None:
        """Count a question; None if allowed, else the seconds until the next one is."""
        if user_id in self.exempt:
            return None
        now = time.monotonic() if now is None else now
        window = self._asked.setdefault(user_id, deque())
        while window and now - window[0] >= self.seconds:
            window.popleft()
        if len(window) >= self.questions:
            return max(0.1, self.seconds - (now - window[0]))
        window.append(now)
        self._warned.pop(user_id, None)
        if len(self._asked) > 10_000:
            self._forget_idle(now)
        return None

    def first_refusal(self, user_id: int, now: float | None = None) -> bool:
        """True once per full window, so a spammer gets one reply rather than one per message."""
        now = time.monotonic() if now is None else now
        last = self._warned.get(user_id)
        if last is not None and now - last < self.seconds:
            return False
        self._warned[user_id] = now
        return True

    def _forget_idle(self, now: float) -> None:
        for user_id in [u for u, w in self._asked.items() if not w or now - w[-1] >= self.seconds]:
            del self._asked[user_id]


def retry_text(seconds: float) -> str:
    whole = max(1, round(seconds))
    return f"{whole} second{'' if whole == 1 else 's'}"


async def question_cooldown(interaction: discord.Interaction) -> bool:
    """An app-command check; the error handler turns the refusal into a friendly reply."""
    limiter: QuestionLimiter = interaction.client.limiter  # type: ignore[attr-defined]
    retry_after = limiter.hit(interaction.user.id)
    if retry_after is not None:
        raise app_commands.CommandOnCooldown(app_commands.Cooldown(limiter.questions, limiter.seconds), retry_after)
    return True
