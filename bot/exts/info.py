"""/sources and /help: what the bot answers from, and how to ask it."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts.books import quote_book
from bot.exts.embeds import help_embed, sources_embed
from bot.exts.replies import send, within_deadline


class Info(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="sources", description="The news articles the answers come from, with links")
    async def sources(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=sources_embed(self.bot.library.corpus.articles))

    @app_commands.command(name="help", description="What feudbot knows and how to ask it")
    async def help(self, interaction: discord.Interaction) -> None:
        settings = self.bot.settings
        library = self.bot.library
        # Help is for the one who asked; it would only clutter the channel.
        book = await within_deadline(interaction, quote_book(library), ephemeral=True)
        embed = help_embed(library.corpus.articles, book.speakers(), settings.ask_channel_ids,
                           (settings.cooldown_questions, settings.cooldown_seconds))
        await send(interaction, embed=embed, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Info(bot))
