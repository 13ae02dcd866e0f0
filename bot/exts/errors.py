"""What a user sees when a slash command fails: a short private note.

The traceback goes to the log, never to Discord.
"""
from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts.cooldown import retry_text
from bot.exts.replies import APOLOGY, tell

log = logging.getLogger(__name__)


class Errors(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._previous = None

    async def cog_load(self) -> None:
        self._previous = self.bot.tree.on_error
        self.bot.tree.on_error = self.on_app_command_error

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous

    async def on_app_command_error(self, interaction: discord.Interaction,
                                   error: app_commands.AppCommandError) -> None:
        if isinstance(error, app_commands.CommandOnCooldown):
            await tell(interaction, f"You're asking quickly! Please wait {retry_text(error.retry_after)} "
                                    "and ask again.")
            return
        if isinstance(error, app_commands.CheckFailure):
            await tell(interaction, "That command isn't available here.")
            return
        if isinstance(error, app_commands.TransformerError):
            await tell(interaction, "I couldn't read one of the options; please check it and try again.")
            return
        command = interaction.command.qualified_name if interaction.command else "?"
        original = getattr(error, "original", error)
        log.error("/%s failed for user %s", command, interaction.user.id,
                  exc_info=(type(original), original, original.__traceback__))
        await tell(interaction, APOLOGY)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Errors(bot))
