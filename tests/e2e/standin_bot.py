"""A minimal stand-in for ``python -m bot`` that follows the e2e start-up contract.

It exists to test ``BotProcess`` before the real bot is written: it reads the same
environment, points discord.py's REST base and gateway at the fake, syncs one command to
DEV_GUILD_ID, counts its starts in DATABASE_PATH and answers ``!starts``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path

import discord
import yarl
from discord.ext import commands

log = logging.getLogger("standin")
# Discord starts one session per 5 s (docs: Gateway > Rate Limiting), restarts included.
IDENTIFY_HOLD = 5.5


class StandinBot(commands.Bot):
    """Connect through DISCORD_API_BASE the way the real bot must."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(
            command_prefix="!",
            intents=intents,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.1,
        )
        self.database = Path(os.environ["DATABASE_PATH"])
        self.guild_id = int(os.environ["DEV_GUILD_ID"])
        self.identified = self.database.with_suffix(".identified")

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait as discord.py does, and for the window of an IDENTIFY before a restart,
        kept beside the database as the real bot keeps it in its own."""
        await super().before_identify_hook(shard_id, initial=initial)
        if self.identified.exists():
            since = time.time() - float(self.identified.read_text())
            await asyncio.sleep(min(IDENTIFY_HOLD, IDENTIFY_HOLD - since))
        self.identified.write_text(repr(time.time()))

    async def setup_hook(self) -> None:
        """Point the gateway at the fake, record this start, sync commands to the dev guild."""
        _, url, _ = await self.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        with self.database.open("a") as database:
            database.write("start\n")
        guild = discord.Object(self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)
        log.info("synced commands to %s", self.guild_id)


bot = StandinBot()


@bot.command()
async def starts(ctx: commands.Context[StandinBot]) -> None:
    """Reply with how many times the bot has started on this database."""
    count = len(ctx.bot.database.read_text().splitlines())
    await ctx.send(embed=discord.Embed(title=f"{count} starts"))


@bot.tree.command(description="Say hello")
async def hello(interaction: discord.Interaction) -> None:
    """Say hello."""
    await interaction.response.send_message("hello")


if __name__ == "__main__":
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
    level = os.environ.get("LOG_LEVEL", "INFO")
    bot.run(os.environ["DISCORD_TOKEN"], log_level=getattr(logging, level), root_logger=True)
