"""Where discord.py sends REST calls and opens the gateway.

discord.py hard-codes discord.com; DISCORD_API_BASE and DISCORD_GATEWAY_URL
override that, so the bot can run against a local fake Discord (the
end-to-end tests do) or a proxy.  Both are class attributes, so this is
process-wide; `use_endpoints` returns a function that undoes it.
"""
from __future__ import annotations

import re
from typing import Callable

import discord.gateway
import discord.http
import yarl

API_VERSION = 10
_VERSIONED = re.compile(r"/api/v\d+$")


def api_base_url(base: str) -> str:
    """The REST root, with /api/v10 added when the setting names only the host."""
    base = base.strip().rstrip("/")
    return base if _VERSIONED.search(base) else f"{base}/api/v{API_VERSION}"


def use_endpoints(api_base: str | None = None, gateway_url: str | None = None) -> Callable[[], None]:
    route, websocket = discord.http.Route, discord.gateway.DiscordWebSocket
    old_base, old_gateway = route.BASE, websocket.DEFAULT_GATEWAY
    if api_base:
        route.BASE = api_base_url(api_base)
    if gateway_url:
        websocket.DEFAULT_GATEWAY = yarl.URL(gateway_url.strip())

    def restore() -> None:
        route.BASE, websocket.DEFAULT_GATEWAY = old_base, old_gateway

    return restore


def apply_settings(settings) -> Callable[[], None]:
    return use_endpoints(settings.discord_api_base, settings.discord_gateway_url)
