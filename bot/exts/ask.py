"""Questions: /ask, mentions, direct messages and the ASK_CHANNEL_IDS channels."""
from __future__ import annotations

import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.engine.answers import Answer
from bot.exts.cooldown import question_cooldown, retry_text
from bot.exts.embeds import abstention_embed, answer_embed
from bot.exts.pager import BUTTONS, EXPIRED, answer_view, is_stale_custom_id
from bot.exts.replies import APOLOGY, send, tell, within_deadline

log = logging.getLogger(__name__)

MAX_QUESTION = 300
EMPTY_HINT = ("Ask me anything about the May 2024 LeCun–Musk feud, for example "
              "“what did Musk say about WhatsApp?” — or type /help.")
TOO_LONG = f"That question is a bit long for me — please keep it to {MAX_QUESTION} characters or fewer."


class Ask(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*BUTTONS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*BUTTONS)

    async def answer(self, question: str) -> Answer:
        # BM25 and sentence scoring are CPU work; off the event loop, the
        # gateway heartbeat and other users' acknowledgements keep flowing.
        library = self.bot.library  # read once: a corpus reload may swap it meanwhile
        return await self.bot.off_loop(library.answers.ask, question, self.bot.settings.top_k)

    def render(self, answer: Answer, asker_id: int) -> dict:
        """Message arguments for an answer: an embed, and buttons when there is anything to page."""
        if not answer.answered:
            return {"embed": abstention_embed(answer, self.bot.library.corpus.articles)}
        key = self.bot.answer_store.add(answer, asker_id)
        return {"embed": answer_embed(answer, 0), "view": answer_view(key, 0, len(answer.results))}

    @app_commands.command(name="ask", description="Ask about the May 2024 LeCun–Musk feud; answers cite the articles")
    @app_commands.describe(question="Your question, in plain words", private="Only you see the answer")
    @app_commands.check(question_cooldown)
    async def ask(self, interaction: discord.Interaction,
                  question: app_commands.Range[str, 1, MAX_QUESTION], private: bool = False) -> None:
        answer = await within_deadline(interaction, self.answer(question), ephemeral=private)
        await send(interaction, ephemeral=private, **self.render(answer, interaction.user.id))

    # -- messages --------------------------------------------------------------

    def question_in(self, message: discord.Message) -> str | None:
        """The question a message asks the bot, or None when it is not addressed to the bot."""
        me = self.bot.user
        if me is None or message.author.bot or message.type not in (discord.MessageType.default,
                                                                     discord.MessageType.reply):
            return None
        text = message.content
        # Picking the bot in Discord's mention menu can insert its managed role instead of its user.
        roles = [r.id for r in message.role_mentions if r.tags is not None and r.tags.bot_id == me.id]
        mentioned = me.id in message.raw_mentions or bool(roles)
        if mentioned:
            text = re.sub(rf"<@!?{me.id}>", " ", text)
            for role_id in roles:
                text = text.replace(f"<@&{role_id}>", " ")
        channel = message.channel
        in_ask_channel = channel.id in self.bot.settings.ask_channel_ids or (
            isinstance(channel, discord.Thread) and channel.parent_id in self.bot.settings.ask_channel_ids)
        if message.guild is None or mentioned or in_ask_channel:
            return " ".join(text.split())
        return None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        question = self.question_in(message)
        if question is None:
            return
        try:
            await self.answer_message(message, question)
        except Exception:
            log.exception("Answering message %s failed", message.id)
            try:
                await message.reply(APOLOGY, mention_author=False)
            except discord.HTTPException:
                pass

    async def answer_message(self, message: discord.Message, question: str) -> None:
        if not question:
            await message.reply(EMPTY_HINT, mention_author=False)
            return
        if len(question) > MAX_QUESTION:
            await message.reply(TOO_LONG, mention_author=False)
            return
        retry_after = self.bot.limiter.hit(message.author.id)
        if retry_after is not None:
            if self.bot.limiter.first_refusal(message.author.id):
                await message.reply(f"You're asking quickly! Please wait {retry_text(retry_after)} "
                                    "and ask again.", mention_author=False, delete_after=15)
            return
        answer = await self.answer(question)
        await message.reply(mention_author=False, **self.render(answer, message.author.id))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Buttons whose custom_id no DynamicItem matches (sent by an older
        # version of the bot) would otherwise fail silently.
        if interaction.type is discord.InteractionType.component:
            custom_id = (interaction.data or {}).get("custom_id", "")
            if is_stale_custom_id(custom_id):
                await tell(interaction, EXPIRED)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ask(bot))
