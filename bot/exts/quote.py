"""/quote speaker: about: — exact quotes from the articles, with who said them."""
from __future__ import annotations

import random

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts.books import quote_book
from bot.exts.cooldown import question_cooldown
from bot.exts.embeds import escape, fit_embeds, quote_embed, truncate
from bot.exts.replies import send, tell, within_deadline

MAX_CHOICES = 25
SHOWN = 3


def pick(book, speaker: str | None, about: str | None) -> tuple[list, list]:
    """All matching quotes, and the ones to show."""
    found = book.find(speaker, about)
    if about or not found:
        return found, found[:SHOWN]
    # Without a topic every call would show the same "most substantive" quote;
    # a random one makes a repeated /quote worth typing.
    return found, [random.choice(found)]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class Quotes(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="quote", description="Exact quotes from the articles, with who said them")
    @app_commands.describe(speaker="Who said it (start typing to see who has quotes)",
                           about="What the quote is about, e.g. research or WhatsApp")
    @app_commands.check(question_cooldown)
    async def quote(self, interaction: discord.Interaction,
                    speaker: app_commands.Range[str, 1, 100] | None = None,
                    about: app_commands.Range[str, 1, 200] | None = None) -> None:
        book = await within_deadline(interaction, quote_book(self.bot.library))
        canonical = None
        if speaker:
            canonical = book.resolve_speaker(speaker)
            if canonical is None:
                known = ", ".join(escape(name) for name, _ in book.speakers()[:10]) or "nobody yet"
                await tell(interaction, f"I have no quotes from “{escape(truncate(speaker, 100))}”. "
                                        f"People quoted in my articles: {known}.")
                return
        found, chosen = await within_deadline(interaction, self.bot.off_loop(pick, book, canonical, about))
        if not chosen:
            who = escape(canonical) if canonical else "anyone"
            topic = f" about “{escape(truncate(about, 100))}”" if about else ""
            await tell(interaction, f"I found no quote from {who}{topic} in my articles. Try another "
                                    "`about:` or leave it empty.")
            return
        embeds = [quote_embed(q) for q in chosen]
        if len(found) > len(chosen):
            hint = "add about: to narrow them down" if not about else "the closest matches are shown"
            embeds[-1].set_footer(text=f"{_plural(len(found), 'quote')} match · {hint}")
        await send(interaction, embeds=fit_embeds(embeds))

    @quote.autocomplete("speaker")
    async def speaker_choices(self, interaction: discord.Interaction,
                              current: str) -> list[app_commands.Choice[str]]:
        # Discord drops an autocomplete answer after three seconds (it cannot be
        # deferred); filtering a few speakers is instant, so it runs inline.
        book = await quote_book(self.bot.library)
        needle = " ".join(current.split()).casefold()
        alias = book.resolve_speaker(current) if needle else None
        matches = []
        for name, count in book.speakers():
            folded = name.casefold()
            if needle and needle not in folded and name != alias:
                continue
            word_start = any(word.startswith(needle) for word in folded.split())
            matches.append((name != alias, not word_start, name, count))
        matches.sort(key=lambda m: (m[0], m[1]))
        return [app_commands.Choice(name=truncate(f"{name} ({_plural(count, 'quote')})", 100), value=name[:100])
                for _, _, name, count in matches[:MAX_CHOICES]]


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Quotes(bot))
