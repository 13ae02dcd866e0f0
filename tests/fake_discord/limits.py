"""Discord's documented payload limits, checked on everything the bot sends.

The numbers come from the Discord API reference (Messages, Embeds, Components,
Interactions).  A payload Discord would reject with 50035 "Invalid Form Body"
is a bug in the bot even though discord.py happily sends it, so the fake
reports each breach instead of accepting the message.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

CONTENT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
BUTTONS_PER_ROW = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def embed_total(embed: dict) -> int:
    """The characters Discord counts towards the 6000 shared by a message's embeds."""
    total = _length(embed.get("title")) + _length(embed.get("description"))
    total += _length((embed.get("footer") or {}).get("text"))
    total += _length((embed.get("author") or {}).get("name"))
    for field in embed.get("fields") or ():
        total += _length(field.get("name")) + _length(field.get("value"))
    return total


def check_embed(embed: dict, where: str) -> list[str]:
    problems = []

    def limit(name: str, value: Any, maximum: int) -> None:
        if _length(value) > maximum:
            problems.append(f"{where}.{name} has {len(value)} characters (limit {maximum})")

    limit("title", embed.get("title"), EMBED_TITLE)
    limit("description", embed.get("description"), EMBED_DESCRIPTION)
    limit("footer.text", (embed.get("footer") or {}).get("text"), FOOTER_TEXT)
    limit("author.name", (embed.get("author") or {}).get("name"), AUTHOR_NAME)
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS:
        problems.append(f"{where} has {len(fields)} fields (limit {EMBED_FIELDS})")
    for i, field in enumerate(fields):
        limit(f"fields[{i}].name", field.get("name"), FIELD_NAME)
        limit(f"fields[{i}].value", field.get("value"), FIELD_VALUE)
        for key in ("name", "value"):
            if not _length(field.get(key)) or not str(field.get(key)).strip():
                problems.append(f"{where}.fields[{i}].{key} is empty (Discord requires text)")
    return problems


def check_components(rows: Iterable[dict], where: str) -> list[str]:
    rows = list(rows)
    problems = []
    if len(rows) > ACTION_ROWS:
        problems.append(f"{where} has {len(rows)} action rows (limit {ACTION_ROWS})")
    for r, row in enumerate(rows):
        children = row.get("components") or []
        if row.get("type") == 1 and len(children) > BUTTONS_PER_ROW:
            problems.append(f"{where}[{r}] has {len(children)} buttons (limit {BUTTONS_PER_ROW})")
        for c, child in enumerate(children):
            spot = f"{where}[{r}][{c}]"
            if _length(child.get("custom_id")) > CUSTOM_ID:
                problems.append(f"{spot}.custom_id is longer than {CUSTOM_ID}")
            if _length(child.get("label")) > BUTTON_LABEL:
                problems.append(f"{spot}.label is longer than {BUTTON_LABEL}")
            if child.get("type") == 2:
                is_link = child.get("style") == 5
                if is_link and (not child.get("url") or child.get("custom_id")):
                    problems.append(f"{spot}: a link button needs a url and no custom_id")
                if not is_link and not child.get("custom_id"):
                    problems.append(f"{spot}: a button needs a custom_id")
    return problems


def check_message(payload: dict, where: str = "message", *, creating: bool = True) -> list[str]:
    """Breaches of Discord's limits in a message create or edit payload."""
    problems = []
    content = payload.get("content")
    if _length(content) > CONTENT:
        problems.append(f"{where}.content has {len(content)} characters (limit {CONTENT})")
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS_PER_MESSAGE:
        problems.append(f"{where} has {len(embeds)} embeds (limit {EMBEDS_PER_MESSAGE})")
    for i, embed in enumerate(embeds):
        problems += check_embed(embed, f"{where}.embeds[{i}]")
    total = sum(embed_total(e) for e in embeds)
    if total > EMBED_TOTAL:
        problems.append(f"{where}'s embeds hold {total} characters together (limit {EMBED_TOTAL})")
    problems += check_components(payload.get("components") or [], f"{where}.components")
    if creating and not (content or embeds or payload.get("components") or payload.get("attachments")):
        problems.append(f"{where} is empty (Discord: 50006 Cannot send an empty message)")
    return problems


def check_choices(choices: list[dict], where: str = "autocomplete") -> list[str]:
    problems = []
    if len(choices) > AUTOCOMPLETE_CHOICES:
        problems.append(f"{where} offers {len(choices)} choices (limit {AUTOCOMPLETE_CHOICES})")
    for i, choice in enumerate(choices):
        if not 1 <= _length(choice.get("name")) <= CHOICE_NAME:
            problems.append(f"{where}[{i}].name must be 1-{CHOICE_NAME} characters")
        value = choice.get("value")
        if isinstance(value, str) and len(value) > CHOICE_VALUE:
            problems.append(f"{where}[{i}].value is longer than {CHOICE_VALUE}")
    return problems


def check_commands(commands: list[dict]) -> list[str]:
    problems = []
    for command in commands:
        name = command.get("name", "")
        if not COMMAND_NAME.match(name) or name != name.lower():
            problems.append(f"command name {name!r} is not a valid slash command name")
        if command.get("type", 1) == 1 and not 1 <= _length(command.get("description")) <= COMMAND_DESCRIPTION:
            problems.append(f"/{name}: description must be 1-{COMMAND_DESCRIPTION} characters")
        options = command.get("options") or []
        if len(options) > COMMAND_OPTIONS:
            problems.append(f"/{name} has {len(options)} options (limit {COMMAND_OPTIONS})")
        for option in options:
            if not 1 <= _length(option.get("description")) <= COMMAND_DESCRIPTION:
                problems.append(f"/{name} {option.get('name')}: description must be 1-{COMMAND_DESCRIPTION} characters")
    return problems
