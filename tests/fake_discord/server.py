"""A small fake of Discord's REST API and gateway, on 127.0.0.1 only.

The real bot talks to it through DISCORD_API_BASE and DISCORD_GATEWAY_URL, so
discord.py's own HTTP, gateway and interaction code runs unmodified.  The fake
records every request, answers the way Discord documents, and keeps a list of
`violations`: payloads Discord would reject (limits, empty messages, pinging
mentions, late or double acknowledgements).  Tests assert that list is empty.

Only what feudbot uses is modelled: one guild with a few text channels, DMs,
slash commands, autocomplete, buttons, interaction callbacks, followups and
edits, gateway HELLO / heartbeat / IDENTIFY / READY / RESUME / RECONNECT.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from aiohttp import WSMsgType, web

from . import limits

log = logging.getLogger("fake_discord")

DISCORD_EPOCH_MS = 1420070400000
API_PREFIX = "/api/v10"
# Discord drops an interaction token that was not used within three seconds.
ACK_DEADLINE = 3.0

# Interaction types and callback types, from the API reference.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE = 1, 2, 3, 4
CALLBACK_MESSAGE, CALLBACK_DEFERRED, CALLBACK_DEFERRED_UPDATE, CALLBACK_UPDATE, CALLBACK_CHOICES = 4, 5, 6, 7, 8
EPHEMERAL = 1 << 6
MESSAGE_CONTENT = 1 << 15
_PAYLOAD_JSON = re.compile(r'name="payload_json"\r\n(?:[^\r\n]+\r\n)*\r\n(.*?)\r\n--', re.S)
# aiohttp 3.13+ warns about plain string keys in request storage.
_BODY = web.RequestKey("body", object) if hasattr(web, "RequestKey") else "body"

_ids = itertools.count(1)


def snowflake() -> int:
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_ids) & 0x3FFFFF)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


def json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py compares the header to exactly "application/json"; aiohttp's
    # json_response would add "; charset=utf-8" and the login would fail.
    return web.Response(status=status, body=json.dumps(data).encode(),
                        headers={"Content-Type": "application/json"})


def error(status: int, code: int, message: str) -> web.Response:
    return json_response({"code": code, "message": message}, status)


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    body: Any
    at: float
    status: int = 0


@dataclass
class SentMessage:
    """A message the bot created or edited, whatever the route."""
    route: str  # "channel", "callback", "followup", "edit", "update"
    payload: dict
    message: dict
    interaction: "Interaction | None"
    at: float


@dataclass
class Interaction:
    id: int
    token: str
    type: int
    payload: dict
    sent_at: float
    acked_at: float | None = None
    callback: dict | None = None
    messages: list[SentMessage] = field(default_factory=list)
    original_id: int | None = None
    _acked: asyncio.Event = field(default_factory=asyncio.Event)
    _replied: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def ack_latency(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.sent_at

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else self.callback.get("type")

    async def wait_ack(self, timeout: float = ACK_DEADLINE) -> dict:
        await asyncio.wait_for(self._acked.wait(), timeout)
        return self.callback

    async def wait_reply(self, timeout: float = 10.0) -> dict:
        """The first message this interaction produced with something to read."""
        await asyncio.wait_for(self._replied.wait(), timeout)
        return self.messages[0].payload

    @property
    def replies(self) -> list[dict]:
        return [m.payload for m in self.messages]


@dataclass
class _Session:
    id: str
    shard: tuple[int, int] | None
    seq: int = 0
    ws: web.WebSocketResponse | None = None
    sent: list[dict] = field(default_factory=list)
    live: asyncio.Event = field(default_factory=asyncio.Event)


class FakeDiscord:
    def __init__(self, token: str = "fake-bot-token.abc.def", *, heartbeat_interval_ms: int = 41250,
                 with_guild: bool = True, message_content_enabled: bool = True) -> None:
        self.token = token
        # Whether the developer portal switch for the privileged intent is on.
        self.message_content_enabled = message_content_enabled
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.ack_deadline = ACK_DEADLINE
        self.app_id = snowflake()
        self.bot_user = self.user(self.app_id, "feudbot", bot=True)
        self.owner = self.user(snowflake(), "owner")
        self.asker = self.user(snowflake(), "asker")
        self.guild_id = snowflake() if with_guild else None
        self.channel_id = snowflake()
        self.ask_channel_id = snowflake()
        self.dm_channel_id = snowflake()

        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.sent: list[SentMessage] = []
        self.messages: dict[int, dict] = {}
        self.interactions: dict[int, Interaction] = {}
        self._by_token: dict[str, Interaction] = {}
        # Registered commands, keyed by None (global) or a guild id.
        self.commands: dict[int | None, list[dict]] = {}
        self.command_puts: list[tuple[int | None, list[dict]]] = []
        self.sessions: dict[str, _Session] = {}
        self.identifies: list[dict] = []
        self.resumes: list[dict] = []
        self.connections: list[str] = []  # the gateway path of every connection
        self._changed = asyncio.Condition()

        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -----------------------------------------------------------

    async def start(self) -> "FakeDiscord":
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/resume-gateway", self._gateway)
        p = API_PREFIX
        routes = [
            ("GET", "/users/@me", self._me),
            ("GET", "/oauth2/applications/@me", self._application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway),
            ("PUT", "/applications/{app}/commands", self._put_commands),
            ("GET", "/applications/{app}/commands", self._get_commands),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands),
            ("GET", "/applications/{app}/guilds/{guild}/commands", self._get_commands),
            ("POST", "/channels/{channel}/messages", self._create_message),
            ("PATCH", "/channels/{channel}/messages/{message}", self._edit_message),
            ("DELETE", "/channels/{channel}/messages/{message}", self._no_content),
            ("POST", "/channels/{channel}/typing", self._no_content),
            ("POST", "/users/@me/channels", self._open_dm),
            ("POST", "/interactions/{id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app}/{token}", self._followup),
            ("GET", "/webhooks/{app}/{token}/messages/{message}", self._get_webhook_message),
            ("PATCH", "/webhooks/{app}/{token}/messages/{message}", self._edit_webhook_message),
            ("DELETE", "/webhooks/{app}/{token}/messages/{message}", self._no_content),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, p + path, handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> "FakeDiscord":
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def env(self) -> dict[str, str]:
        """The settings that point feudbot at this fake."""
        env = {"DISCORD_TOKEN": self.token, "DISCORD_API_BASE": self.api_base,
               "DISCORD_GATEWAY_URL": self.gateway_url}
        if self.guild_id:
            env["DISCORD_GUILD_ID"] = str(self.guild_id)
        return env

    # -- objects -------------------------------------------------------------

    @staticmethod
    def user(user_id: int, name: str, *, bot: bool = False) -> dict:
        data = {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name,
                "avatar": None, "public_flags": 0, "flags": 0}
        if bot:
            data["bot"] = True
        return data

    def new_user(self, name: str = "someone") -> dict:
        return self.user(snowflake(), name)

    def member(self, user: dict) -> dict:
        return {"user": user, "roles": [], "joined_at": now_iso(), "deaf": False, "mute": False,
                "flags": 0, "pending": False, "nick": None, "avatar": None, "permissions": "2248473465835073"}

    def _channel(self, channel_id: int, name: str, position: int) -> dict:
        return {"id": str(channel_id), "type": 0, "guild_id": str(self.guild_id), "name": name,
                "position": position, "permission_overwrites": [], "nsfw": False, "parent_id": None,
                "topic": None, "last_message_id": None, "rate_limit_per_user": 0, "flags": 0}

    def guild(self) -> dict:
        everyone = {"id": str(self.guild_id), "name": "@everyone", "permissions": "2248473465835073",
                    "position": 0, "color": 0, "hoist": False, "managed": False, "mentionable": False,
                    "flags": 0}
        return {
            "id": str(self.guild_id), "name": "Fake Guild", "icon": None, "owner_id": self.owner["id"],
            "roles": [everyone], "emojis": [], "stickers": [], "features": [],
            "channels": [self._channel(self.channel_id, "general", 0),
                         self._channel(self.ask_channel_id, "ask-feudbot", 1)],
            "members": [self.member(self.bot_user)], "member_count": 3, "large": False,
            "unavailable": False, "threads": [], "voice_states": [], "presences": [],
            "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": [],
            "premium_tier": 0, "preferred_locale": "en-US", "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
            "system_channel_flags": 0, "nsfw_level": 0, "joined_at": now_iso(), "afk_timeout": 300,
        }

    def _message_object(self, *, channel_id: int, author: dict, payload: dict, message_id: int | None = None,
                        interaction: Interaction | None = None) -> dict:
        message_id = message_id or snowflake()
        message = {
            "id": str(message_id), "channel_id": str(channel_id), "author": author,
            "content": payload.get("content") or "", "timestamp": now_iso(), "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "pinned": False, "type": 0, "flags": payload.get("flags") or 0,
            "embeds": [dict(e, type="rich") for e in payload.get("embeds") or []],
            "components": payload.get("components") or [],
        }
        if self.guild_id and channel_id != self.dm_channel_id:
            message["guild_id"] = str(self.guild_id)
        reference = payload.get("message_reference")
        if reference:
            message["type"] = 19
            message["message_reference"] = {"message_id": str(reference["message_id"]),
                                            "channel_id": str(reference.get("channel_id") or channel_id)}
            if self.guild_id and channel_id != self.dm_channel_id:
                message["message_reference"]["guild_id"] = str(self.guild_id)
        if interaction is not None:
            message["webhook_id"] = str(self.app_id)
            message["application_id"] = str(self.app_id)
            message["interaction_metadata"] = {"id": str(interaction.id), "type": interaction.type,
                                               "user": self._interaction_user(interaction.payload)}
        self.messages[message_id] = message
        return message

    @staticmethod
    def _interaction_user(payload: dict) -> dict:
        return payload.get("member", {}).get("user") or payload.get("user")

    # -- REST ----------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "multipart/form-data":
                # discord.py sends the JSON of a message with files as the part "payload_json".
                part = _PAYLOAD_JSON.search(raw.decode("utf-8", "replace"))
                body = json.loads(part.group(1)) if part else {"multipart": True}
            else:
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
        record = Recorded(request.method, request.path, dict(request.query), body, time.monotonic())
        self.requests.append(record)
        request[_BODY] = body
        if request.path.startswith(API_PREFIX) and not self._is_webhook(request.path):
            if request.headers.get("Authorization") != f"Bot {self.token}":
                record.status = 401
                return error(401, 0, "401: Unauthorized")
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            record.status = exc.status
            raise
        record.status = response.status
        async with self._changed:
            self._changed.notify_all()
        return response

    @staticmethod
    def _is_webhook(path: str) -> bool:
        rest = path[len(API_PREFIX):]
        return rest.startswith("/interactions/") or rest.startswith("/webhooks/")

    def _violation(self, text: str) -> None:
        log.error("violation: %s", text)
        self.violations.append(text)

    async def _me(self, request: web.Request) -> web.Response:
        return json_response(dict(self.bot_user, verified=True, mfa_enabled=False, email=None,
                                  locale="en-US", bio=""))

    async def _application(self, request: web.Request) -> web.Response:
        return json_response({
            "id": str(self.app_id), "name": "feudbot", "icon": None, "description": "", "summary": "",
            "bot_public": True, "bot_require_code_grant": False, "owner": self.owner, "team": None,
            "verify_key": "0" * 64, "flags": 0, "bot": self.bot_user,
        })

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})

    async def _put_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild")
        scope = int(guild) if guild else None
        commands = request[_BODY] or []
        for problem in limits.check_commands(commands):
            self._violation(problem)
        stored = []
        for command in commands:
            stored.append(dict(command, id=str(snowflake()), application_id=str(self.app_id),
                               version=str(snowflake()), default_member_permissions=None,
                               **({"guild_id": guild} if guild else {})))
        self.commands[scope] = stored
        self.command_puts.append((scope, commands))
        return json_response(stored)

    async def _get_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild")
        return json_response(self.commands.get(int(guild) if guild else None, []))

    def _check_message(self, payload: dict, where: str, *, creating: bool = True) -> list[str]:
        problems = limits.check_message(payload, where, creating=creating)
        mentions = payload.get("allowed_mentions")
        if creating and mentions is None:
            problems.append(f"{where} has no allowed_mentions (Discord would parse every mention)")
        elif mentions is not None and (mentions.get("parse") or mentions.get("users") or mentions.get("roles")):
            problems.append(f"{where} allows pings: allowed_mentions={mentions}")
        for problem in problems:
            self._violation(problem)
        return problems

    def _record_sent(self, route: str, payload: dict, message: dict, interaction: Interaction | None) -> None:
        sent = SentMessage(route, payload, message, interaction, time.monotonic())
        self.sent.append(sent)
        if interaction is not None:
            interaction.messages.append(sent)
            interaction._replied.set()

    async def _create_message(self, request: web.Request) -> web.Response:
        payload = request[_BODY] or {}
        if self._check_message(payload, "channel message"):
            return error(400, 50035, "Invalid Form Body")
        channel_id = int(request.match_info["channel"])
        message = self._message_object(channel_id=channel_id, author=self.bot_user, payload=payload)
        self._record_sent("channel", payload, message, None)
        return json_response(message)

    async def _edit_message(self, request: web.Request) -> web.Response:
        payload = request[_BODY] or {}
        if self._check_message(payload, "message edit", creating=False):
            return error(400, 50035, "Invalid Form Body")
        message_id = int(request.match_info["message"])
        message = self.messages.get(message_id)
        if message is None:
            return error(404, 10008, "Unknown Message")
        self._apply_edit(message, payload)
        self._record_sent("edit", payload, message, None)
        return json_response(message)

    @staticmethod
    def _apply_edit(message: dict, payload: dict) -> None:
        for key in ("content", "components", "flags"):
            if key in payload:
                message[key] = payload[key] if payload[key] is not None else ([] if key == "components" else "")
        if "embeds" in payload:
            message["embeds"] = [dict(e, type="rich") for e in payload["embeds"] or []]
        message["edited_timestamp"] = now_iso()

    async def _no_content(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _open_dm(self, request: web.Request) -> web.Response:
        recipient = (request[_BODY] or {}).get("recipient_id")
        return json_response({"id": str(self.dm_channel_id), "type": 1, "last_message_id": None,
                              "recipients": [self.user(int(recipient), "someone")]})

    # -- interactions --------------------------------------------------------

    async def _callback(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        interaction = self.interactions.get(int(request.match_info["id"]))
        if interaction is None or interaction.token != request.match_info["token"]:
            return error(404, 10062, "Unknown interaction")
        body = request[_BODY] or {}
        kind = body.get("type")
        if interaction.acked_at is not None:
            self._violation(f"interaction {interaction.id} acknowledged twice")
            return error(400, 40060, "Interaction has already been acknowledged.")
        if at - interaction.sent_at > self.ack_deadline:
            self._violation(f"interaction {interaction.id} acknowledged after {at - interaction.sent_at:.2f}s")
            return error(404, 10062, "Unknown interaction")
        data = body.get("data") or {}
        if kind == CALLBACK_CHOICES:
            if interaction.type != AUTOCOMPLETE:
                self._violation("autocomplete result for an interaction that is not autocomplete")
            for problem in limits.check_choices(data.get("choices") or []):
                self._violation(problem)
        elif kind in (CALLBACK_MESSAGE, CALLBACK_UPDATE):
            if self._check_message(data, f"callback type {kind}", creating=kind == CALLBACK_MESSAGE):
                return error(400, 50035, "Invalid Form Body")
        elif kind in (CALLBACK_DEFERRED_UPDATE,) and interaction.type != MESSAGE_COMPONENT:
            self._violation("deferred update for an interaction that has no message")
        interaction.acked_at = at
        interaction.callback = body
        interaction._acked.set()

        response: dict = {"interaction": {"id": str(interaction.id), "type": interaction.type,
                                          "response_message_loading": kind == CALLBACK_DEFERRED,
                                          "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL)}}
        if kind == CALLBACK_MESSAGE:
            message = self._message_object(channel_id=self._channel_of(interaction), author=self.bot_user,
                                           payload=data, interaction=interaction)
            interaction.original_id = int(message["id"])
            response["interaction"]["response_message_id"] = message["id"]
            response["resource"] = {"type": kind, "message": message}
            self._record_sent("callback", data, message, interaction)
        elif kind == CALLBACK_DEFERRED:
            message = self._message_object(channel_id=self._channel_of(interaction), author=self.bot_user,
                                           payload={"flags": (data.get("flags") or 0) | 128},
                                           interaction=interaction)
            interaction.original_id = int(message["id"])
            response["interaction"]["response_message_id"] = message["id"]
        elif kind == CALLBACK_UPDATE:
            message = self.messages.get(int(interaction.payload["message"]["id"]))
            if message is not None:
                self._apply_edit(message, data)
                self._record_sent("update", data, message, interaction)
                response["resource"] = {"type": kind, "message": message}
        elif kind == CALLBACK_DEFERRED_UPDATE:
            interaction.original_id = int(interaction.payload["message"]["id"])
        async with self._changed:
            self._changed.notify_all()
        return json_response(response)

    def _channel_of(self, interaction: Interaction) -> int:
        return int(interaction.payload["channel_id"])

    def _interaction_for(self, request: web.Request) -> Interaction | None:
        interaction = self._by_token.get(request.match_info["token"])
        if interaction is None or request.match_info["app"] != str(self.app_id):
            return None
        return interaction

    async def _followup(self, request: web.Request) -> web.Response:
        interaction = self._interaction_for(request)
        if interaction is None:
            return error(404, 10015, "Unknown Webhook")
        if interaction.acked_at is None:
            self._violation(f"followup before interaction {interaction.id} was acknowledged")
            return error(404, 10015, "Unknown Webhook")
        payload = request[_BODY] or {}
        if self._check_message(payload, "followup"):
            return error(400, 50035, "Invalid Form Body")
        loading = interaction.callback_type == CALLBACK_DEFERRED and not any(
            m.route in ("followup", "edit") for m in interaction.messages)
        if loading:
            # The first followup after a deferred response replaces the "thinking" message.
            message = self.messages[interaction.original_id]
            self._apply_edit(message, payload)
            message["flags"] = message.get("flags", 0) & ~128
        else:
            message = self._message_object(channel_id=self._channel_of(interaction), author=self.bot_user,
                                           payload=payload, interaction=interaction)
        self._record_sent("followup", payload, message, interaction)
        return json_response(message)

    def _webhook_message(self, request: web.Request, interaction: Interaction) -> dict | None:
        which = request.match_info["message"]
        message_id = interaction.original_id if which == "@original" else int(which)
        return self.messages.get(message_id) if message_id else None

    async def _get_webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._interaction_for(request)
        message = interaction and self._webhook_message(request, interaction)
        return json_response(message) if message else error(404, 10008, "Unknown Message")

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        interaction = self._interaction_for(request)
        if interaction is None:
            return error(404, 10015, "Unknown Webhook")
        message = self._webhook_message(request, interaction)
        if message is None:
            return error(404, 10008, "Unknown Message")
        payload = request[_BODY] or {}
        if self._check_message(payload, "interaction edit", creating=False):
            return error(400, 50035, "Invalid Form Body")
        self._apply_edit(message, payload)
        message["flags"] = message.get("flags", 0) & ~128
        self._record_sent("edit", payload, message, interaction)
        return json_response(message)

    # -- gateway -------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=None, max_msg_size=0)
        await ws.prepare(request)
        self.connections.append(request.path)
        session: _Session | None = None
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                                      "s": None, "t": None}))
        try:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                op, data = message.get("op"), message.get("d")
                if op == 1:
                    await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
                elif op == 2:
                    session = await self._identify(ws, data)
                    if session is None:
                        break
                elif op == 6:
                    session = await self._resume(ws, data)
                    if session is None:
                        break
        finally:
            if session is not None and session.ws is ws:
                session.ws = None
                session.live.clear()
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict) -> _Session | None:
        self.identifies.append({k: v for k, v in data.items() if k != "token"})
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        if data.get("intents", 0) & MESSAGE_CONTENT and not self.message_content_enabled:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        shard = tuple(data["shard"]) if data.get("shard") else None
        session = _Session(secrets.token_hex(16), shard)
        self.sessions[session.id] = session
        session.ws = ws
        guilds = [{"id": str(self.guild_id), "unavailable": True}] if self._on_shard(session) else []
        await self._send(session, "READY", {
            "v": 10, "user": self.bot_user, "guilds": guilds, "session_id": session.id,
            "resume_gateway_url": f"ws://127.0.0.1:{self.port}/resume-gateway",
            "application": {"id": str(self.app_id), "flags": 0}, "private_channels": [],
            "relationships": [], "user_settings": {}, "presences": [], "guild_join_requests": [],
            **({"shard": list(shard)} if shard else {}),
        })
        if guilds:
            await self._send(session, "GUILD_CREATE", self.guild())
        session.live.set()
        async with self._changed:
            self._changed.notify_all()
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict) -> _Session | None:
        self.resumes.append({k: v for k, v in data.items() if k != "token"})
        session = self.sessions.get(data.get("session_id"))
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        if session is None:
            await ws.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))
            return None
        session.ws = ws
        # Replay what the client missed, as Discord does, then confirm.
        for event in session.sent:
            if event["s"] > (data.get("seq") or 0):
                await ws.send_str(json.dumps(event))
        await self._send(session, "RESUMED", {})
        session.live.set()
        async with self._changed:
            self._changed.notify_all()
        return session

    def _on_shard(self, session: _Session) -> bool:
        if not self.guild_id or session.shard is None:
            return True
        shard_id, count = session.shard
        return (self.guild_id >> 22) % count == shard_id

    async def _send(self, session: _Session, event: str, data: dict) -> None:
        session.seq += 1
        payload = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.sent.append(payload)
        if session.ws is not None and not session.ws.closed:
            await session.ws.send_str(json.dumps(payload))

    def _session_for(self, guild: bool) -> _Session:
        live = [s for s in self.sessions.values() if s.live.is_set()]
        if not live:
            raise RuntimeError("the bot is not connected to the fake gateway")
        for session in live:
            if not guild or self._on_shard(session):
                return session
        return live[0]

    async def dispatch(self, event: str, data: dict, *, guild: bool = True) -> None:
        await self._send(self._session_for(guild), event, data)

    async def send_reconnect(self) -> None:
        """Gateway op 7: Discord asks the client to reconnect and resume."""
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                session.live.clear()
                await session.ws.send_str(json.dumps({"op": 7, "d": None, "s": None, "t": None}))

    # -- waiting -------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
        async def wait() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result
        try:
            return await asyncio.wait_for(wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}") from None

    async def wait_connected(self, timeout: float = 20.0) -> None:
        await self.wait_for(lambda: any(s.live.is_set() for s in self.sessions.values()), timeout,
                            "the bot to connect to the gateway")

    async def wait_message(self, predicate: Callable[[SentMessage], bool], timeout: float = 10.0,
                           what: str = "a message") -> SentMessage:
        return await self.wait_for(lambda: next((m for m in self.sent if predicate(m)), None), timeout, what)

    # -- what users do -------------------------------------------------------

    def _interaction_payload(self, kind: int, data: dict, *, user: dict | None, channel_id: int | None,
                             dm: bool) -> tuple[int, str, dict]:
        interaction_id = snowflake()
        token = "itok-" + secrets.token_urlsafe(24)
        user = user or self.asker
        payload = {"id": str(interaction_id), "application_id": str(self.app_id), "type": kind, "data": data,
                   "token": token, "version": 1, "locale": "en-US", "app_permissions": "2248473465835073",
                   "entitlements": [], "authorizing_integration_owners": {"0": str(self.guild_id or 0)},
                   "attachment_size_limit": 10485760}
        if dm or not self.guild_id:
            payload["channel_id"] = str(self.dm_channel_id)
            payload["channel"] = {"id": str(self.dm_channel_id), "type": 1, "recipients": [user]}
            payload["user"] = user
            payload["context"] = 1
        else:
            channel_id = channel_id or self.channel_id
            payload["guild_id"] = str(self.guild_id)
            payload["guild_locale"] = "en-US"
            payload["channel_id"] = str(channel_id)
            payload["channel"] = self._channel(channel_id, "general", 0)
            payload["member"] = self.member(user)
            payload["context"] = 0
        return interaction_id, token, payload

    async def _send_interaction(self, kind: int, data: dict, *, user: dict | None = None,
                                channel_id: int | None = None, dm: bool = False) -> Interaction:
        interaction_id, token, payload = self._interaction_payload(kind, data, user=user, channel_id=channel_id,
                                                                   dm=dm)
        interaction = Interaction(interaction_id, token, kind, payload, sent_at=time.monotonic())
        self.interactions[interaction_id] = interaction
        self._by_token[token] = interaction
        await self.dispatch("INTERACTION_CREATE", payload, guild=not dm)
        return interaction

    def command(self, name: str) -> tuple[dict, int | None]:
        for scope in (self.guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return command, scope
        raise AssertionError(f"/{name} was never registered; registered: {self.commands}")

    def _options(self, command: dict, options: dict, focused: str | None) -> list[dict]:
        types = {o["name"]: o["type"] for o in command.get("options") or []}
        result = []
        for name, value in options.items():
            if name not in types:
                raise AssertionError(f"/{command['name']} has no option {name!r}")
            option = {"name": name, "type": types[name], "value": value}
            if name == focused:
                option["focused"] = True
            result.append(option)
        return result

    async def slash(self, name: str, options: dict | None = None, **where) -> Interaction:
        command, scope = self.command(name)
        data = {"id": command["id"], "name": name, "type": 1,
                "options": self._options(command, options or {}, None)}
        if scope:
            data["guild_id"] = str(scope)
        return await self._send_interaction(APPLICATION_COMMAND, data, **where)

    async def autocomplete(self, name: str, options: dict, focused: str, **where) -> Interaction:
        command, scope = self.command(name)
        data = {"id": command["id"], "name": name, "type": 1, "options": self._options(command, options, focused)}
        if scope:
            data["guild_id"] = str(scope)
        return await self._send_interaction(AUTOCOMPLETE, data, **where)

    async def click(self, message: dict, custom_id: str, *, user: dict | None = None) -> Interaction:
        """A button press on a message the bot sent, carrying the fake's current copy of that message."""
        stored = self.messages.get(int(message["id"]), message)
        channel_id = int(stored["channel_id"])
        dm = channel_id == self.dm_channel_id
        interaction_id, token, payload = self._interaction_payload(
            MESSAGE_COMPONENT, {"custom_id": custom_id, "component_type": 2}, user=user,
            channel_id=channel_id, dm=dm)
        payload["message"] = json.loads(json.dumps(stored))
        interaction = Interaction(interaction_id, token, MESSAGE_COMPONENT, payload, sent_at=time.monotonic())
        self.interactions[interaction_id] = interaction
        self._by_token[token] = interaction
        await self.dispatch("INTERACTION_CREATE", payload, guild=not dm)
        return interaction

    def bot_message(self, payload: dict, channel_id: int | None = None) -> dict:
        """A message the bot posted earlier, say before an upgrade, without the bot sending it now."""
        return self._message_object(channel_id=channel_id or self.channel_id, author=self.bot_user, payload=payload)

    async def user_message(self, content: str, *, user: dict | None = None, channel_id: int | None = None,
                           dm: bool = False, mention_bot: bool = False) -> dict:
        """A message typed by a user; with mention_bot it starts with the bot's mention."""
        user = user or self.asker
        if mention_bot:
            content = f"<@{self.bot_user['id']}> {content}"
        channel_id = self.dm_channel_id if dm else channel_id or self.channel_id
        message = self._message_object(channel_id=channel_id, author=user, payload={"content": content})
        if mention_bot:
            message["mentions"] = [self.bot_user]
        if not dm:
            message["member"] = {k: v for k, v in self.member(user).items() if k != "user"}
        await self.dispatch("MESSAGE_CREATE", message, guild=not dm)
        return message

    # -- reading what happened -----------------------------------------------

    def ack_latencies(self, kind: int | None = None) -> list[float]:
        return sorted(i.ack_latency for i in self.interactions.values()
                      if i.ack_latency is not None and (kind is None or i.type == kind))

    def requests_to(self, method: str, path_contains: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and path_contains in r.path]

    def allowed_mentions(self) -> list[dict | None]:
        return [m.payload.get("allowed_mentions") for m in self.sent]
