"""The fake itself, driven by a plain discord.py client (not feudbot)."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import aiohttp
import discord
from discord import app_commands

from . import FakeDiscord, limits
from .server import EPHEMERAL


@asynccontextmanager
async def client_for(fake: FakeDiscord, handler=None, *, mentions=discord.AllowedMentions.none()):
    """A minimal discord.py client with one /hello command, connected to the fake."""
    from bot.discord_endpoints import use_endpoints

    restore = use_endpoints(fake.api_base, fake.gateway_url)
    client = discord.Client(intents=discord.Intents.none(), allowed_mentions=mentions)
    tree = app_commands.CommandTree(client)

    @tree.command(description="Say hello")
    async def hello(interaction: discord.Interaction, name: str) -> None:
        await (handler or (lambda i, n: i.response.send_message(f"hi {n}")))(interaction, name)

    try:
        async with client:
            await client.login(fake.token)
            await tree.sync()
            task = asyncio.create_task(client.connect())
            await fake.wait_connected(10)
            yield client
            await client.close()
            await asyncio.wait_for(task, 5)
    finally:
        restore()


def run(coro):
    return asyncio.run(coro)


def test_rest_replies_carry_exactly_application_json_and_check_the_token():
    async def go():
        async with FakeDiscord() as fake, aiohttp.ClientSession() as http:
            async with http.get(f"{fake.api_base}/users/@me", headers={"Authorization": f"Bot {fake.token}"}) as r:
                assert r.status == 200 and r.headers["Content-Type"] == "application/json"
                assert (await r.json())["id"] == str(fake.app_id)
            async with http.get(f"{fake.api_base}/users/@me", headers={"Authorization": "Bot wrong"}) as r:
                assert r.status == 401
            assert [q.status for q in fake.requests] == [200, 401]
    run(go())


def test_a_plain_client_logs_in_syncs_connects_and_answers():
    async def go():
        async with FakeDiscord() as fake, client_for(fake):
            assert [c["name"] for c in fake.commands[None]] == ["hello"]
            assert fake.requests_to("GET", "/oauth2/applications/@me")
            interaction = await fake.slash("hello", {"name": "ada"})
            callback = await interaction.wait_ack()
            assert callback["data"]["content"] == "hi ada"
            assert fake.allowed_mentions() == [{"parse": []}]
            assert fake.violations == []
    run(go())


def test_payloads_over_discords_limits_are_violations_and_rejected():
    async def too_long(interaction, name):
        try:
            await interaction.response.send_message(embed=discord.Embed(description="x" * 4097))
        except discord.HTTPException as exc:
            assert exc.status == 400 and exc.code == 50035

    async def go():
        async with FakeDiscord() as fake, client_for(fake, too_long):
            interaction = await fake.slash("hello", {"name": "x"})
            await fake.wait_for(lambda: fake.violations, 5)
            assert "description has 4097 characters" in fake.violations[0]
            assert interaction.acked_at is None
    run(go())


def test_messages_that_could_ping_are_violations():
    async def go():
        async with FakeDiscord() as fake, client_for(fake, mentions=discord.AllowedMentions.all()):
            await fake.slash("hello", {"name": "@everyone"})
            await fake.wait_for(lambda: fake.violations, 5)
            assert "allows pings" in fake.violations[0]
    run(go())


def test_late_acknowledgements_are_violations():
    async def late(interaction, name):
        await asyncio.sleep(0.2)
        try:
            await interaction.response.send_message("late")
        except discord.NotFound:
            pass

    async def go():
        async with FakeDiscord() as fake, client_for(fake, late):
            fake.ack_deadline = 0.1
            await fake.slash("hello", {"name": "x"})
            await fake.wait_for(lambda: fake.violations, 5)
            assert "acknowledged after" in fake.violations[0]
    run(go())


def test_double_acknowledgements_are_violations():
    async def go():
        async with FakeDiscord() as fake, client_for(fake), aiohttp.ClientSession() as http:
            interaction = await fake.slash("hello", {"name": "x"})
            await interaction.wait_ack()
            url = f"{fake.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
            async with http.post(url, json={"type": 4, "data": {"content": "again"}}) as response:
                assert response.status == 400 and (await response.json())["code"] == 40060
            assert "acknowledged twice" in fake.violations[0]
    run(go())


def test_reconnect_resumes_on_the_resume_url_and_replays_missed_events():
    async def go():
        async with FakeDiscord() as fake, client_for(fake):
            await fake.send_reconnect()
            await fake.wait_for(lambda: fake.resumes and any(s.live.is_set() for s in fake.sessions.values()), 10)
            assert fake.connections == ["/gateway", "/resume-gateway"]
            assert len(fake.identifies) == 1
            interaction = await fake.slash("hello", {"name": "again"})
            assert (await interaction.wait_ack())["data"]["content"] == "hi again"
    run(go())


def test_ephemeral_flag_and_followups_are_recorded():
    async def deferred(interaction, name):
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send(f"later {name}", ephemeral=True)

    async def go():
        async with FakeDiscord() as fake, client_for(fake, deferred):
            interaction = await fake.slash("hello", {"name": "x"})
            assert (await interaction.wait_ack())["type"] == 5
            reply = await interaction.wait_reply()
            assert reply["content"] == "later x" and reply["flags"] & EPHEMERAL
            assert interaction.messages[0].route == "followup"
            assert fake.violations == []
    run(go())


def test_limit_checks():
    ok = {"content": "x" * 2000, "embeds": [{"title": "t" * 256, "description": "d" * 4096}],
          "allowed_mentions": {"parse": []}}
    assert limits.check_message(ok) == []
    fields = [{"name": "n", "value": "v" * 1024}] * 26
    problems = limits.check_message({"content": "x" * 2001, "embeds": [{"fields": fields}] + [{}] * 10})
    text = "\n".join(problems)
    for expected in ("content has 2001", "11 embeds", "26 fields", "hold 26650 characters together"):
        assert expected in text
    assert limits.check_message({}) and "empty" in limits.check_message({})[0]
    assert limits.check_choices([{"name": "x", "value": "x"}] * 26)
    assert limits.check_choices([{"name": "", "value": "x"}])
    rows = [{"type": 1, "components": [{"type": 2, "style": 2, "label": "l" * 81, "custom_id": "c" * 101}]}]
    assert len(limits.check_components(rows, "c")) == 2
