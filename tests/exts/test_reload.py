"""Hot reload with the real engine: build aside, swap in one step, keep the old corpus on failure."""
from __future__ import annotations

import asyncio
import logging
import shutil
import threading
from types import SimpleNamespace

import pytest

from bot.engine.library import Library
from bot.exts.ask import Ask
from bot.exts.reload import CorpusWatcher, LibraryReloader, snapshot
from bot.ingest.extract import read_source
from bot.ingest.writer import make_slug, render, write_article
from tests.ingest.helpers import FENWICK, FENWICK_TITLE

ONLY_FENWICK_KNOWS = "What entry number is the LeCun–Musk exchange in Vosberg's ledger?"
OLD_QUESTION = "Who is Clem Delangue?"
BROKEN = "---\ntitle: [unclosed\nsource: Nobody\n---\n\nA paragraph.\n"


def add_fenwick(corpus) -> None:
    draft = read_source(str(FENWICK))
    write_article(corpus, make_slug(draft.source, draft.title), render(draft))


@pytest.fixture
def bot(corpus_copy):
    """Just what the Ask cog and the reloader read from the real bot."""
    # Several threads, not FeudBot's one: swaps must be safe under real concurrency.
    return SimpleNamespace(library=Library.load(corpus_copy), settings=SimpleNamespace(top_k=3),
                           off_loop=lambda function, *args: asyncio.to_thread(function, *args))


def cites_fenwick(answer) -> bool:
    return answer.answered and answer.results[0].citation.title == FENWICK_TITLE


def test_reload_swaps_in_the_new_article(bot, corpus_copy):
    async def go():
        reloader = LibraryReloader(bot)
        ask = Ask(bot)
        assert not cites_fenwick(await ask.answer(ONLY_FENWICK_KNOWS))
        add_fenwick(corpus_copy)
        outcome = await reloader.reload()
        assert outcome.ok, outcome.message
        assert f"added: “{FENWICK_TITLE}”" in outcome.message and "3 articles" in outcome.message
        assert FENWICK_TITLE in [a.title for a in bot.library.corpus.articles]  # what /sources lists
        assert cites_fenwick(await ask.answer(ONLY_FENWICK_KNOWS))
        again = await reloader.reload()
        assert again.ok and "No article changed." in again.message
    asyncio.run(go())


def test_every_question_in_a_burst_is_answered_across_reloads(bot, corpus_copy):
    async def go():
        reloader = LibraryReloader(bot)
        ask = Ask(bot)
        questions = [OLD_QUESTION, "How old is LeCun?", "What did Musk ask LeCun?", ONLY_FENWICK_KNOWS] * 40

        async def reloads():
            for step in range(6):
                if step == 2:
                    await asyncio.to_thread(add_fenwick, corpus_copy)
                outcome = await reloader.reload()
                assert outcome.ok, outcome.message
                await asyncio.sleep(0)
        results = await asyncio.gather(reloads(), *(ask.answer(q) for q in questions), return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        assert failures == []
        answers = results[1:]
        assert len(answers) == len(questions)
        for question, answer in zip(questions, answers):
            if question == OLD_QUESTION:
                assert answer.answered and "Delangue" in answer.results[0].text
        assert cites_fenwick(await ask.answer(ONLY_FENWICK_KNOWS))
    asyncio.run(go())


def test_a_question_in_flight_finishes_on_the_index_it_started_with(bot, corpus_copy):
    async def go():
        reloader = LibraryReloader(bot)
        old = bot.library
        started, release = threading.Event(), threading.Event()
        real_ask = old.answers.ask

        def slow_ask(*args, **kwargs):
            started.set()
            release.wait(10)
            return real_ask(*args, **kwargs)
        old.answers.ask = slow_ask

        in_flight = asyncio.create_task(Ask(bot).answer(ONLY_FENWICK_KNOWS))
        await asyncio.to_thread(started.wait, 10)
        add_fenwick(corpus_copy)
        assert (await reloader.reload()).ok
        assert bot.library is not old
        release.set()
        assert not cites_fenwick(await in_flight)  # answered by the old corpus, without failing
        assert cites_fenwick(await Ask(bot).answer(ONLY_FENWICK_KNOWS))
    asyncio.run(go())


@pytest.mark.parametrize("damage, file, reason", [
    (lambda c: (c / "zz-new.md").write_text(BROKEN, encoding="utf-8"), "zz-new.md", "broken front matter"),
    # An edit that breaks an article which was serving fine must not drop it.
    (lambda c: (c / "venturebeat-musk-lecun-feud.md").write_text("oops", encoding="utf-8"),
     "venturebeat-musk-lecun-feud.md", "no front matter"),
    (lambda c: (c / "people.yaml").write_text("people: [", encoding="utf-8"), "people.yaml", "people table"),
    (lambda c: [p.unlink() for p in c.glob("*.md")], "corpus", "no articles"),
])
def test_a_broken_corpus_is_refused_and_the_old_one_keeps_answering(bot, corpus_copy, caplog, damage, file, reason):
    async def go():
        reloader = LibraryReloader(bot)
        ask = Ask(bot)
        old = bot.library
        add_fenwick(corpus_copy)  # a good change alongside the bad one is not applied either
        damage(corpus_copy)
        with caplog.at_level(logging.WARNING, logger="bot.exts.reload"):
            outcome = await reloader.reload()
        assert not outcome.ok
        assert outcome.message.startswith("Reload failed, so I'm still answering from the previous corpus "
                                          "(2 articles)")
        assert f"{file}: " in outcome.message and reason in outcome.message
        assert len(outcome.message) <= 2000
        assert any("reload refused" in r.getMessage() and reason in r.getMessage() for r in caplog.records)
        assert bot.library is old
        answer = await ask.answer("What did LeCun say about ConvNets?")
        assert answer.answered
        assert not cites_fenwick(await ask.answer(ONLY_FENWICK_KNOWS))
    asyncio.run(go())


def test_an_unexpected_loader_error_is_reported_not_raised(bot):
    def explode(directory, settings):
        raise RuntimeError("disk on fire")

    async def go():
        old = bot.library
        outcome = await LibraryReloader(bot, loader=explode).reload()
        assert not outcome.ok and "unexpected RuntimeError: disk on fire" in outcome.message
        assert bot.library is old
    asyncio.run(go())


def test_the_watcher_reloads_after_a_change_and_survives_a_bad_one(bot, corpus_copy, caplog):
    async def wait_until(condition, timeout=10.0):
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            assert asyncio.get_running_loop().time() < deadline, "timed out"
            await asyncio.sleep(0.02)

    async def go():
        reloader = LibraryReloader(bot)
        watcher = asyncio.create_task(CorpusWatcher(reloader, interval=0.05).run())
        try:
            await asyncio.sleep(0.2)
            first = bot.library
            add_fenwick(corpus_copy)
            await wait_until(lambda: bot.library is not first)
            assert FENWICK_TITLE in [a.title for a in bot.library.corpus.articles]

            second = bot.library
            with caplog.at_level(logging.WARNING, logger="bot.exts.reload"):
                (corpus_copy / "broken.md").write_text(BROKEN, encoding="utf-8")
                await wait_until(lambda: any("broken.md" in r.getMessage() for r in caplog.records))
            assert bot.library is second

            (corpus_copy / "broken.md").unlink()  # fixing it is a change too
            await wait_until(lambda: bot.library is not second)
            assert not watcher.done()
        finally:
            watcher.cancel()
    asyncio.run(go())


def test_snapshot_sees_articles_and_tables_but_not_hidden_or_temp_files(corpus_copy):
    before = snapshot(corpus_copy)
    assert set(before) == {"gizmodo-musk-fighting-meta-ai-scientist.md", "venturebeat-musk-lecun-feud.md",
                           "people.yaml", "synonyms.yaml"}
    (corpus_copy / ".add-123.tmp").write_text("half-written")
    (corpus_copy / ".feudbot-cache").mkdir(exist_ok=True)
    assert snapshot(corpus_copy) == before
    shutil.rmtree(corpus_copy)
    assert snapshot(corpus_copy) is None


# -- end to end: the real bot process, driven through the fake Discord ------------

def _sources_text(payload: dict) -> str:
    return payload["embeds"][0]["description"].replace("\\", "")


async def _slash_reply(fake, name: str, options: dict | None = None, **where) -> dict:
    interaction = await fake.slash(name, options, **where)
    await interaction.wait_ack(3.0)
    return await interaction.wait_reply()


async def _cli(workdir, env, *args) -> str:
    from tests.fake_discord.process import run_cli

    code, out, err = await run_cli(workdir, env, *args)
    assert code == 0, err
    return out


def test_reload_through_discord(tmp_path, corpus_copy):
    asyncio.run(_reload_scenario(tmp_path, corpus_copy))


async def _reload_scenario(tmp_path, corpus) -> None:
    from tests.fake_discord import FakeDiscord
    from tests.fake_discord.process import BotProcess, bot_env
    from tests.fake_discord.server import EPHEMERAL
    from tests.ingest.helpers import KESTREL

    async with FakeDiscord() as fake:
        env = bot_env(tmp_path / "state", fake.env(), CORPUS_DIR=corpus, COOLDOWN_QUESTIONS=1000)
        bot = await BotProcess(tmp_path, env, name="reload").start()
        try:
            await fake.wait_connected(30)
            pushed = next(c for c in fake.command_puts[-1][1] if c["name"] == "reload")
            assert str(pushed["default_member_permissions"]) == str(1 << 5)  # hidden from all but Manage Server

            await _cli(tmp_path, env, "add", str(FENWICK))
            # Someone who is not the application's owner is turned away, privately.
            refused = await fake.slash("reload")
            note = await refused.wait_ack(3.0)
            assert note["data"]["flags"] & EPHEMERAL and "isn't available" in note["data"]["content"]
            assert FENWICK_TITLE not in _sources_text(await _slash_reply(fake, "sources"))

            # The owner (from the application info) reloads; the reply is private.
            reply = await _slash_reply(fake, "reload", user=fake.owner)
            assert reply.get("flags", 0) & EPHEMERAL
            assert f"added: “{FENWICK_TITLE}”" in reply["content"]
            assert FENWICK_TITLE in _sources_text(await _slash_reply(fake, "sources"))
            answer = await _slash_reply(fake, "ask", {"question": ONLY_FENWICK_KNOWS})
            assert "212" in answer["embeds"][0]["description"]

            # A burst of questions with reloads in the middle: every one is answered.
            asks = [fake.slash("ask", {"question": q}) for q in [ONLY_FENWICK_KNOWS, OLD_QUESTION] * 12]
            reloads = [fake.slash("reload", user=fake.owner) for _ in range(3)]
            interactions = await asyncio.gather(*asks[:8], *reloads, *asks[8:])
            replies = await asyncio.gather(*(i.wait_reply(15) for i in interactions))
            answered = [r for r in replies if r.get("embeds")]
            assert len(answered) == len(asks)
            assert all("Reloaded the corpus" in r["content"] for r in replies if not r.get("embeds"))

            # A broken file: the owner is told why, and the bot keeps answering.
            (corpus / "broken.md").write_text(BROKEN, encoding="utf-8")
            reply = await _slash_reply(fake, "reload", user=fake.owner)
            assert reply.get("flags", 0) & EPHEMERAL
            assert reply["content"].startswith("Reload failed") and "broken.md: broken front matter" in reply["content"]
            answer = await _slash_reply(fake, "ask", {"question": ONLY_FENWICK_KNOWS})
            assert "212" in answer["embeds"][0]["description"]
            for _ in range(50):  # the log is a file the bot writes on its own schedule
                if f"reload refused (/reload by user {fake.owner['id']})" in bot.stderr:
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"no refusal in the log:\n{bot.stderr[-2000:]}")
        finally:
            await bot.kill()
        assert fake.violations == []
        assert "Traceback" not in bot.stderr

        # WATCH_CORPUS: no /reload needed; OWNER_IDS makes someone else an owner.
        (corpus / "broken.md").unlink()
        env = bot_env(tmp_path / "state", fake.env(), CORPUS_DIR=corpus, COOLDOWN_QUESTIONS=1000,
                      WATCH_CORPUS="true", OWNER_IDS=fake.asker["id"])
        identifies = len(fake.identifies)
        bot = await BotProcess(tmp_path, env, name="watch").start()
        try:
            await fake.wait_for(lambda: len(fake.identifies) > identifies and any(
                s.live.is_set() for s in fake.sessions.values()), 30, "the second bot to connect")
            await _cli(tmp_path, env, "add", str(KESTREL))
            for _ in range(100):
                listing = _sources_text(await _slash_reply(fake, "sources"))
                if "Who won the LeCun–Musk thread?" in listing:
                    break
                await asyncio.sleep(0.2)
            else:
                raise AssertionError(f"the watcher never picked up the new article:\n{bot.stderr[-2000:]}")
            reply = await _slash_reply(fake, "reload")  # fake.asker is an owner now
            assert "No article changed." in reply["content"]
        finally:
            await bot.kill()
        assert fake.violations == []
        assert "Traceback" not in bot.stderr
