"""The Ask cog inside the test's event loop, with parts of the engine swapped out."""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import time

import pytest

from bot.engine.answers import Answer, Result
from bot.engine.corpus import Citation

from ._fake import FakeDiscord, running_bot

EPHEMERAL = 64


class Engine:
    """Stands in for AnswerEngine: fails, stalls or answers absurdly on demand."""

    def __init__(self, *, fail=False, delay=0.0, answer=None):
        self.fail, self.delay, self.answer = fail, delay, answer

    def ask(self, question, top_k=3):
        if self.delay:
            time.sleep(self.delay)
        if self.fail:
            raise RuntimeError("engine exploded")
        return self.answer or Answer(question, abstain_reason="nope")


def with_engine(library, engine):
    return dataclasses.replace(library, answers=engine)


def run(coro):
    return asyncio.run(coro)


def test_a_failing_command_logs_the_traceback_and_apologises_privately(library, tmp_path, caplog):
    async def go():
        async with FakeDiscord() as fake, running_bot(fake, with_engine(library, Engine(fail=True)), tmp_path):
            ask = await fake.slash("ask", {"question": "anything"})
            callback = await ask.wait_ack(3)
            assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
            assert "Sorry" in callback["data"]["content"]
            assert "Traceback" not in callback["data"]["content"] and "exploded" not in callback["data"]["content"]
            # A mention gets the apology as a reply.
            asked = await fake.user_message("anything?", mention_bot=True)
            sent = await fake.wait_message(lambda m: m.route == "channel")
            assert str(sent.payload["message_reference"]["message_id"]) == asked["id"]
            assert "Sorry" in sent.payload["content"]
            assert fake.violations == []
    with caplog.at_level(logging.ERROR):
        run(go())
    failures = [r for r in caplog.records if r.exc_info and "exploded" in str(r.exc_info[1])]
    assert len(failures) == 2
    assert any(r.name == "bot.exts.errors" and "/ask failed" in r.getMessage() for r in failures)


def test_slow_work_is_deferred_in_time_then_answered(library, tmp_path):
    real = library.answers

    class Slow:
        def ask(self, question, top_k=3):
            time.sleep(2.5)
            return real.ask(question, top_k)

    async def go():
        async with FakeDiscord() as fake, running_bot(fake, with_engine(library, Slow()), tmp_path):
            ask = await fake.slash("ask", {"question": "What did Musk say about WhatsApp?", "private": True})
            callback = await ask.wait_ack(3)
            assert callback["type"] == 5 and callback["data"]["flags"] & EPHEMERAL
            assert ask.ack_latency < 3
            reply = await ask.wait_reply(10)
            assert reply["embeds"][0]["fields"][0]["name"] == "Source"
            assert fake.violations == []
    run(go())


def test_an_absurdly_long_answer_stays_within_discords_limits(library, tmp_path):
    long = "word " * 5000 + "The key sentence. " + "more " * 5000
    cite = Citation("T" * 3000, "S" * 500, "https://example.com/" + "p" * 500, 1)
    result = Result(long, 1.0, "The key sentence.", cite, corroborations=(cite,) * 30)
    answer = Answer("q" * 300, (result,) * 3)

    async def go():
        async with FakeDiscord() as fake, running_bot(fake, with_engine(library, Engine(answer=answer)), tmp_path):
            ask = await fake.slash("ask", {"question": "x" * 300})
            await ask.wait_ack(3)
            message = ask.messages[0].message
            assert "**The key sentence.**" in message["embeds"][0]["description"]
            nxt = next(c for row in message["components"] for c in row["components"] if c["label"] == "▶")
            click = await fake.click(message, nxt["custom_id"])
            assert (await click.wait_ack(3))["type"] == 7
            await fake.user_message("q" * 300, mention_bot=True)
            await fake.wait_message(lambda m: m.route == "channel")
            assert fake.violations == [], fake.violations
    run(go())


@pytest.mark.parametrize("text", ["", "x" * 301])
def test_empty_or_overlong_mentions_get_a_hint_not_an_answer(library, tmp_path, text):
    async def go():
        async with FakeDiscord() as fake, running_bot(fake, library, tmp_path):
            await fake.user_message(text, mention_bot=True)
            sent = await fake.wait_message(lambda m: m.route == "channel")
            assert sent.payload.get("content") and not sent.payload.get("embeds")
    run(go())
