"""Moderators schedule reactions to be posted in a channel every hour, six hours or day."""

from __future__ import annotations

import logging
import re
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.config import DEFAULT_SCHEDULE_TICK
from bot.discord_ui.channel_access import missing_to_post
from bot.discord_ui.client import ReelBot
from bot.discord_ui.pages import single_embed
from bot.discord_ui.render_admin import describe_schedule, schedules_embed
from bot.domain.errors import UserError
from bot.domain.markdown import shorten
from bot.domain.paging import MAX_PAGE_NUMBER
from bot.domain.records import Schedule, StoredReaction
from bot.services import schedules
from bot.services.lookup import MAX_CHOICES
from bot.services.scheduler import PostOutcome, SchedulePoster
from cogs._checks import ModeratorGroup, moderator_only
from cogs._choices import movie_choices
from cogs._respond import Responder

log = logging.getLogger(__name__)

Every = Literal["1h", "6h", "daily"]
_AT = re.compile(r"^\d{1,2}:\d{2}$")


class Schedules(commands.Cog):
    """Scheduled posting: the commands and the loop that posts."""

    schedule = ModeratorGroup(name="schedule", description="Post reactions on a schedule")

    def __init__(self, bot: ReelBot) -> None:
        self.bot = bot
        self.poster = SchedulePoster(bot.store, self.post, serves=bot.serves_guild)

    async def cog_load(self) -> None:
        """Start the posting loop (its first run, after ready, makes missed posts once).

        The loop starts once per process, not on each READY: a reconnect that fires
        ``on_ready`` again starts nothing new, and the poster's lock and its claim on each
        slot in the database keep every due slot to one post, across processes too.
        """
        self.tick.change_interval(seconds=self.bot.settings.schedule_tick_seconds)
        self.tick.start()

    async def cog_unload(self) -> None:
        """Stop the posting loop."""
        self.tick.cancel()

    @tasks.loop(seconds=DEFAULT_SCHEDULE_TICK)  # cog_load applies SCHEDULE_TICK_SECONDS
    async def tick(self) -> None:
        """Post for every schedule that is due."""
        try:
            await self.poster.run_due()
        except Exception:
            log.exception("Scheduled posting failed; trying again at the next tick")

    @tick.before_loop
    async def before_tick(self) -> None:
        """Wait until the bot knows its guilds and channels."""
        await self.bot.wait_until_ready()

    async def post(self, schedule: Schedule, reaction: StoredReaction, nonce: str) -> PostOutcome:
        """Send one scheduled reaction to its channel, with the slot's nonce.

        discord.py sends a given nonce with ``enforce_nonce: true``: Discord then answers a
        second post of the same nonce, by the same author within a few minutes, with the
        message it already made (Create Message, JSON/Form Params ``enforce_nonce``). So a
        slot taken over from a process killed after its post reached Discord posts once.
        """
        channel = self.bot.get_channel(schedule.channel_id)
        try:
            if channel is None:
                channel = await self.bot.fetch_channel(schedule.channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                return PostOutcome.CHANNEL_GONE
            if isinstance(channel, discord.abc.GuildChannel | discord.Thread) and missing_to_post(
                channel, channel.guild.me
            ):
                # Checked first: a refused post would cost a 403 at every slot (issue 12).
                return PostOutcome.FORBIDDEN
            embed = await single_embed(self.bot.store, reaction, schedule.guild_id)
            await channel.send(embed=embed, nonce=nonce)
        except discord.NotFound:
            return PostOutcome.CHANNEL_GONE
        except discord.Forbidden:
            return PostOutcome.FORBIDDEN
        except discord.HTTPException:
            return PostOutcome.FAILED
        return PostOutcome.POSTED

    async def set_schedule(
        self,
        responder: Responder,
        channel: discord.abc.GuildChannel,
        every: str,
        at: str | None,
        movie: str | None,
    ) -> None:
        """Create or replace a channel's schedule after checking the bot can post there."""
        guild = responder.guild
        if guild is None or channel.guild.id != guild.id:
            raise UserError("Pick a channel of this server.")
        if not isinstance(channel, discord.TextChannel):
            raise UserError("Pick a text channel.")
        allowed = channel.permissions_for(guild.me)
        if not (allowed.view_channel and allowed.send_messages and allowed.embed_links):
            raise UserError(
                f"I can't post in {channel.mention}: give me View Channel, Send Messages "
                "and Embed Links there first."
            )
        line = await schedules.set_schedule(
            self.bot.store,
            guild.id,
            responder.user.id,
            channel.id,
            every=every,
            at=at,
            movie_query=movie,
            now=self.poster.clock(),
        )
        await responder.send("Scheduled: " + describe_schedule(line.schedule, line.movie_title))

    async def show(self, responder: Responder, page: int = 1) -> None:
        """List one page of this server's schedules."""
        shown = await schedules.schedules_page(self.bot.store, responder.guild_id, page)
        if not shown.total:
            await responder.send("No schedules. Set one with `schedule set`.")
            return
        await responder.send(embeds=[schedules_embed(shown)])

    async def stop(self, responder: Responder, channel: str) -> None:
        """Stop a channel's schedule; the channel is named, mentioned, or given by id.

        By id, a schedule whose channel was deleted can still be stopped (issue 12).
        """
        guild_id = responder.guild_id
        channel_id = schedules.channel_id_of(channel)
        if channel_id is None:
            name = channel.strip().removeprefix("#").casefold()
            channels = responder.guild.channels if responder.guild else []
            found = next((c for c in channels if c.name.casefold() == name), None)
            if found is None:
                raise UserError("Name the channel as #channel, or give its id (`schedule show`).")
            channel_id = found.id
        await schedules.stop_schedule(self.bot.store, guild_id, responder.user.id, channel_id)
        await responder.send(f"Stopped the schedule of <#{channel_id}>.")

    async def scheduled_channels(
        self, interaction: discord.Interaction[ReelBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the channels that have a schedule here, deleted ones by id."""
        guild = interaction.guild
        if guild is None:
            return []
        typed = current.strip().removeprefix("#").casefold()
        choices = []
        for line in await schedules.list_schedules(self.bot.store, guild.id):
            channel_id = line.schedule.channel_id
            found = guild.get_channel(channel_id)
            name = f"#{found.name}" if found else f"deleted channel {channel_id}"
            if typed in name.casefold() or str(channel_id).startswith(typed):
                choices.append(app_commands.Choice(name=shorten(name, 100), value=str(channel_id)))
        return choices[:MAX_CHOICES]

    # Prefix commands

    @commands.group(name="schedule", invoke_without_command=True)
    @moderator_only()
    async def schedule_prefix(self, ctx: commands.Context[ReelBot]) -> None:
        """Moderators: list schedules, or `schedule set|stop`."""
        await self.show(Responder.from_context(ctx))

    @schedule_prefix.command(name="set")
    @moderator_only()
    async def set_prefix(
        self,
        ctx: commands.Context[ReelBot],
        channel: discord.TextChannel,
        every: str,
        *,
        rest: str = "",
    ) -> None:
        """Post reactions on a schedule: `schedule set #channel 1h|6h|daily [HH:MM] [movie]`."""
        words = rest.split(maxsplit=1)
        at = words[0] if words and _AT.match(words[0]) else None
        movie = (words[1] if len(words) > 1 else "") if at else rest
        await self.set_schedule(
            Responder.from_context(ctx), channel, every, at, movie.strip() or None
        )

    @schedule_prefix.command(name="show")
    @moderator_only()
    async def show_prefix(self, ctx: commands.Context[ReelBot], page: int = 1) -> None:
        """List this server's schedules: `schedule show [page]`."""
        await self.show(Responder.from_context(ctx), page)

    @schedule_prefix.command(name="stop")
    @moderator_only()
    async def stop_prefix(self, ctx: commands.Context[ReelBot], *, channel: str) -> None:
        """Stop a channel's schedule: `schedule stop #channel` (or the channel's id)."""
        await self.stop(Responder.from_context(ctx), channel)

    # Slash commands

    @schedule.command(name="set", description="Post a reaction in a channel on a schedule")
    @app_commands.describe(
        channel="Where to post",
        every="How often",
        at="For daily: the time, HH:MM in UTC (default 09:00)",
        movie="Only this movie's reactions",
    )
    async def set_slash(
        self,
        interaction: discord.Interaction[ReelBot],
        channel: discord.TextChannel,
        every: Every,
        at: str | None = None,
        movie: str | None = None,
    ) -> None:
        """Create or replace a channel's schedule."""
        await self.set_schedule(Responder.from_interaction(interaction), channel, every, at, movie)

    @set_slash.autocomplete("movie")
    async def movie_autocomplete(
        self, interaction: discord.Interaction[ReelBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer known movies."""
        return await movie_choices(interaction, current)

    @schedule.command(name="show", description="List this server's schedules")
    @app_commands.describe(page="Page number")
    async def show_slash(
        self,
        interaction: discord.Interaction[ReelBot],
        page: app_commands.Range[int, 1, MAX_PAGE_NUMBER] = 1,
    ) -> None:
        """List schedules, a page at a time."""
        await self.show(Responder.from_interaction(interaction), page)

    @schedule.command(name="stop", description="Stop a channel's schedule")
    @app_commands.describe(channel="The channel whose schedule stops (deleted ones by id)")
    async def stop_slash(self, interaction: discord.Interaction[ReelBot], channel: str) -> None:
        """Stop a schedule."""
        await self.stop(Responder.from_interaction(interaction), channel)

    @stop_slash.autocomplete("channel")
    async def stop_autocomplete(
        self, interaction: discord.Interaction[ReelBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the channels with a schedule."""
        return await self.scheduled_channels(interaction, current)


async def setup(bot: ReelBot) -> None:
    """Load the Schedules cog."""
    await bot.add_cog(Schedules(bot))
