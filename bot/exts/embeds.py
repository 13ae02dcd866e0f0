"""Engine objects as Discord embeds, always within Discord's limits.

Discord rejects a whole message (400, "Invalid Form Body") when any part is
one character too long, so every builder here ends in `fit_embed`, which cuts
at a word boundary and marks the cut with "…".  Text from users and from the
articles is escaped, so a stray `*` or `_` cannot reformat the answer.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

import discord
from discord.utils import escape_markdown

from bot.engine.answers import Answer, Result
from bot.engine.corpus import Article, Citation

# https://discord.com/developers/docs/resources/message#embed-object-embed-limits
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
TOTAL_LIMIT = 6000
EMBEDS_LIMIT = 10

ELLIPSIS = "…"
ANSWER_COLOUR = discord.Colour.blurple()
ABSTAIN_COLOUR = discord.Colour.light_grey()
QUOTE_COLOUR = discord.Colour.gold()
INFO_COLOUR = discord.Colour.teal()
TOPIC = "the May 2024 feud between Yann LeCun and Elon Musk on X"

_SPACE = re.compile(r"\s+")
# Markdown characters that are meaningless (or harmful) at the start of a cut.
_ORPHANS = "*_~|`>\\"


# -- text --------------------------------------------------------------------

def one_line(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def escape(text: str) -> str:
    """User or article text, shown literally wherever Discord renders Markdown."""
    return escape_markdown(one_line(text))


def _escape_part(text: str) -> str:
    # Like escape(), but keeps the spaces at the ends, where the part meets the bold sentence.
    return escape_markdown(_SPACE.sub(" ", text))


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary and ended with "…"."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    cut = text[:limit - len(ELLIPSIS)]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    # A single very long word would otherwise leave almost nothing.
    if space >= len(cut) // 2:
        cut = cut[:space]
    cut = cut.rstrip()
    # An odd trailing backslash would escape the ellipsis' neighbour instead.
    while cut.endswith("\\"):
        cut = cut[:-1]
    if cut.count("**") % 2 and len(cut) + 2 + len(ELLIPSIS) <= limit:
        cut += "**"
    return cut + ELLIPSIS


def truncate_left(text: str, limit: int) -> str:
    """Like `truncate`, but keeps the end of the text: "…end"."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    cut = text[len(text) - (limit - len(ELLIPSIS)):]
    space = cut.find(" ")
    if 0 <= space <= len(cut) // 2:
        cut = cut[space + 1:]
    return ELLIPSIS + cut.lstrip(_ORPHANS + " ")


def link(label: str, url: str | None, limit: int = FIELD_VALUE_LIMIT) -> str:
    """A Markdown link that fits `limit`; the label gives way, never the URL."""
    label = escape(label).replace("[", "(").replace("]", ")")
    if not url or not url.startswith(("http://", "https://")):
        return truncate(label, limit)
    target = url.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    room = limit - len(target) - 4
    if room < 8:  # an absurd URL: show it as text rather than break the limit
        return truncate(label, limit)
    return f"[{truncate(label, room)}]({target})"


def cite(citation: Citation, limit: int = FIELD_VALUE_LIMIT) -> str:
    return link(str(citation), citation.url, limit)


def fit_content(text: str) -> str:
    return truncate(text, CONTENT_LIMIT)


# -- limits --------------------------------------------------------------------

def embed_size(data: dict) -> int:
    size = len(data.get("title") or "") + len(data.get("description") or "")
    size += len((data.get("footer") or {}).get("text") or "") + len((data.get("author") or {}).get("name") or "")
    return size + sum(len(f.get("name") or "") + len(f.get("value") or "") for f in data.get("fields") or ())


def fit_embed(embed: discord.Embed, budget: int = TOTAL_LIMIT) -> discord.Embed:
    """The same embed, with every part within its limit and the whole within `budget`."""
    data = embed.to_dict()
    if data.get("title"):
        data["title"] = truncate(data["title"], TITLE_LIMIT)
    if data.get("description"):
        data["description"] = truncate(data["description"], DESCRIPTION_LIMIT)
    if (data.get("footer") or {}).get("text"):
        data["footer"]["text"] = truncate(data["footer"]["text"], FOOTER_LIMIT)
    if (data.get("author") or {}).get("name"):
        data["author"]["name"] = truncate(data["author"]["name"], AUTHOR_LIMIT)
    fields = []
    for field in (data.get("fields") or [])[:FIELDS_LIMIT]:
        name = truncate(field.get("name") or "", FIELD_NAME_LIMIT) or "\u200b"
        value = truncate(field.get("value") or "", FIELD_VALUE_LIMIT) or "\u200b"
        fields.append(dict(field, name=name, value=value))
    if fields:
        data["fields"] = fields
    # Over the shared total: the description gives way first, then the last fields.
    excess = embed_size(data) - budget
    if excess > 0 and data.get("description"):
        keep = max(len(ELLIPSIS), len(data["description"]) - excess)
        data["description"] = truncate(data["description"], keep)
        excess = embed_size(data) - budget
    while excess > 0 and data.get("fields"):
        field = data["fields"][-1]
        room = len(field["value"]) - excess
        if room >= 16:
            field["value"] = truncate(field["value"], room)
        else:
            data["fields"].pop()
        excess = embed_size(data) - budget
    if excess > 0 and data.get("footer"):
        data["footer"]["text"] = truncate(data["footer"]["text"], max(1, len(data["footer"]["text"]) - excess))
        excess = embed_size(data) - budget
    if excess > 0 and data.get("title"):
        data["title"] = truncate(data["title"], max(1, len(data["title"]) - excess))
    return discord.Embed.from_dict(data)


def fit_embeds(embeds: Sequence[discord.Embed]) -> list[discord.Embed]:
    """At most ten embeds that share the 6000-character total between them."""
    fitted: list[discord.Embed] = []
    left = TOTAL_LIMIT
    for embed in list(embeds)[:EMBEDS_LIMIT]:
        if left < 64:
            break
        embed = fit_embed(embed, left)
        left -= embed_size(embed.to_dict())
        fitted.append(embed)
    return fitted


# -- answers -------------------------------------------------------------------

def passage_markdown(result: Result, limit: int = DESCRIPTION_LIMIT) -> str:
    """The passage with its best sentence in bold, trimmed around that sentence if too long."""
    text, best = one_line(result.text), one_line(result.best_sentence or "")
    at = text.find(best) if best else -1
    if at < 0:
        return truncate(escape(text), limit)
    before, after = _escape_part(text[:at]), _escape_part(text[at + len(best):])
    bold = f"**{escape(best)}**"
    if len(bold) > limit:
        return "**" + truncate(escape(best), limit - 4) + "**"
    room = limit - len(bold)
    if len(before) + len(after) > room:
        before_room = min(len(before), max(room // 2, room - len(after)))
        before = truncate_left(before, before_room) if before_room else ""
        after = truncate(after, room - len(before)) if room - len(before) > 0 else ""
    return f"{before}{bold}{after}"


def question_title(question: str) -> str:
    return truncate(escape(question), TITLE_LIMIT) or "Your question"


def answer_embed(answer: Answer, page: int = 0) -> discord.Embed:
    """One of the answer's results as an embed; `page` counts from 0."""
    results = answer.results
    page = max(0, min(page, len(results) - 1))
    result = results[page]
    embed = discord.Embed(title=question_title(answer.question), colour=ANSWER_COLOUR,
                          description=passage_markdown(result))
    embed.add_field(name="Source", value=cite(result.citation), inline=False)
    if result.corroborations:
        value = "\n".join(cite(c, 300) for c in result.corroborations[:3])
        embed.add_field(name="Also reported by", value=value, inline=False)
    footer = f"Passage {page + 1} of {len(results)}"
    if len(results) > 1:
        footer += " · ◀ ▶ show the others"
    embed.set_footer(text=footer)
    return fit_embed(embed)


def covered_lines(articles: Iterable[Article], limit: int) -> str:
    lines = [f"• {link(f'{a.source} — {a.title}', a.url, 400)}" for a in articles]
    text = ""
    for i, line in enumerate(lines):
        rest = len(lines) - i
        if len(text) + len(line) + 1 > limit - 24:
            return text + f"\n…and {rest} more (see /sources)"
        text += ("\n" if text else "") + line
    return text


def abstention_embed(answer: Answer, articles: Sequence[Article]) -> discord.Embed:
    """Says plainly that the articles don't cover the question, and what they do cover. No passage."""
    reason = answer.abstain_reason or "The articles don't cover that question."
    description = (f"{escape(reason)}\n\nMy articles only cover {TOPIC}. They are:\n"
                   f"{covered_lines(articles, 2500)}")
    if answer.topics:
        description += "\n\nYou could ask about: " + ", ".join(escape(t) for t in answer.topics[:10])
    embed = discord.Embed(title="Not covered by my articles", colour=ABSTAIN_COLOUR, description=description)
    embed.add_field(name="You asked", value=truncate(escape(answer.question), FIELD_VALUE_LIMIT) or "\u200b")
    embed.set_footer(text="/sources lists the articles · /help shows what to ask")
    return fit_embed(embed)


# -- quotes --------------------------------------------------------------------

def quote_embed(quote) -> discord.Embed:
    """A quote: the speaker, the quote and its citation."""
    text = one_line(quote.text)
    embed = discord.Embed(title=escape(quote.speaker), colour=QUOTE_COLOUR,
                          description=f"“{truncate(escape(text), DESCRIPTION_LIMIT - 2)}”")
    embed.add_field(name="Source", value=cite(quote.citation), inline=False)
    context = getattr(quote, "context", None)
    if context:
        embed.add_field(name="Context", value=truncate(escape(context), FIELD_VALUE_LIMIT), inline=False)
    return fit_embed(embed)


# -- information ---------------------------------------------------------------

def sources_embed(articles: Sequence[Article], cited: Iterable[str] = ()) -> discord.Embed:
    """Every article, linked; the ones an answer cited are marked."""
    cited = set(cited)
    lines = []
    for article in articles:
        mark = " ← cited" if article.url in cited or article.title in cited else ""
        passages = len(article.passages)
        lines.append(f"• {link(f'{article.source} — {article.title}', article.url, 500)}"
                     f" · {passages} passage{'s' if passages != 1 else ''}{mark}")
    description = ""
    for i, line in enumerate(lines):
        if len(description) + len(line) + 40 > DESCRIPTION_LIMIT:
            description += f"\n…and {len(lines) - i} more"
            break
        description += ("\n" if description else "") + line
    embed = discord.Embed(title="Sources", colour=INFO_COLOUR,
                          description=description or "No articles are loaded.")
    embed.set_footer(text=f"{len(articles)} article{'s' if len(articles) != 1 else ''} about {TOPIC}")
    return fit_embed(embed)


def help_embed(articles: Sequence[Article], speakers: Sequence[tuple[str, int]],
               ask_channel_ids: Sequence[int] = (), cooldown: tuple[int, float] | None = None) -> discord.Embed:
    embed = discord.Embed(
        title="feudbot — what I know and how to ask", colour=INFO_COLOUR,
        description=(f"I answer questions about {TOPIC}, from {len(articles)} news "
                     f"article{'s' if len(articles) != 1 else ''}. Every answer is a passage from an article, "
                     "with its most relevant sentence in **bold** and a citation you can click. "
                     "When the articles don't cover a question, I say so instead of guessing."))
    where = ["`/ask question:` — add `private: True` to see the answer alone",
             "Mention me: `@feudbot what did Musk say about WhatsApp?`",
             "Or send me a direct message"]
    if ask_channel_ids:
        where.append("Or just write in " + ", ".join(f"<#{c}>" for c in ask_channel_ids[:10]))
    embed.add_field(name="Asking", value="\n".join(where), inline=False)
    embed.add_field(name="Paging", value="◀ ▶ under an answer show the other passages; "
                                         "**Sources** lists the articles.", inline=False)
    quote_help = "`/quote speaker: about:` — exact quotes, both parts optional"
    if speakers:
        names = ", ".join(escape(name) for name, _ in speakers[:8])
        quote_help += f"\nSpeakers: {names}"
    embed.add_field(name="Quotes", value=quote_help, inline=False)
    embed.add_field(name="Try", value="\n".join((
        "• Why did LeCun and Musk argue?",
        "• What did Musk say about WhatsApp?",
        "• How many papers has LeCun published since 2022?",
        "• What does LeCun think of AI doomers?")), inline=False)
    footer = "/sources lists the articles"
    if cooldown:
        footer += f" · up to {cooldown[0]} questions per {cooldown[1]:g} s each"
    embed.set_footer(text=footer)
    return fit_embed(embed)
