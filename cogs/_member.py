"""What member commands share: a per-member cooldown, refunded on bad input, and timely answers."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import CommandCooldown
from bot.discord_ui.answers import Reply, answer_in_time
from bot.discord_ui.client import ReelBot
from bot.discord_ui.reporter import QuietCooldown, unwrap_error
from bot.domain.errors import PageOutOfRange, UnknownMovie

Key = tuple[str, int, int]


@dataclass(slots=True)
class _Window:
    started: float
    used: int = 1
    warned: bool = False


@dataclass(frozen=True, slots=True)
class Throttle:
    """A refused call: how long until the member may call again, and whether they were told."""

    rate: CommandCooldown
    retry_after: float
    warned_before: bool

    def cooldown(self) -> commands.Cooldown:
        """Return the rate as the discord.py object its cooldown errors carry."""
        return commands.Cooldown(self.rate.uses, self.rate.seconds)


class MemberCooldowns:
    """At most ``uses`` calls of each command per member every ``seconds`` (a fixed window).

    The key is the command's name, so a prefix command and its slash twin share one
    count. A refund gives back a call that failed on the member's input.
    """

    def __init__(
        self, rate: CommandCooldown | None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.clock = clock
        self._windows: dict[Key, _Window] = {}
        self._pruned = clock()

    def hit(self, command: str, guild_id: int | None, user_id: int) -> Throttle | None:
        """Count one call; return None if allowed, else how long the member must wait."""
        rate = self.rate
        if rate is None:
            return None
        now = self.clock()
        self._prune(now, rate.seconds)
        key = (command, guild_id or 0, user_id)
        window = self._windows.get(key)
        if window is None or now - window.started >= rate.seconds:
            self._windows[key] = _Window(started=now)
            return None
        if window.used < rate.uses:
            window.used += 1
            return None
        throttle = Throttle(rate, rate.seconds - (now - window.started), window.warned)
        window.warned = True
        return throttle

    def refund(self, command: str, guild_id: int | None, user_id: int) -> None:
        """Give back the last call counted for this member and command."""
        window = self._windows.get((command, guild_id or 0, user_id))
        if window is not None and window.used > 0:
            window.used -= 1
            window.warned = False

    def _prune(self, now: float, seconds: float) -> None:
        """Forget windows that have ended, at most once per window length."""
        if now - self._pruned < seconds:
            return
        self._pruned = now
        for key in [k for k, w in self._windows.items() if now - w.started >= seconds]:
            del self._windows[key]


class _AsTyped(commands.Converter[str]):
    """The rest of the message as typed.

    A plain ``str`` parameter costs discord.py an ``isinstance`` check against its
    runtime-checkable Converter protocol on every call, about 12 us on Python 3.11
    (typing walks the protocol's attributes each time); a Converter subclass skips it.
    """

    async def convert(self, ctx: commands.Context[Any], argument: str) -> str:
        return argument


Text = Annotated[str, _AsTyped]
"""A prefix command's text argument, for the commands members send most (issue 15)."""


def _cooldowns(cog: object) -> MemberCooldowns | None:
    found = getattr(cog, "cooldowns", None)
    return found if isinstance(found, MemberCooldowns) else None


def prefix_cooldown() -> Any:
    """Decorate a prefix or hybrid command of a cog that has ``cooldowns``."""

    async def predicate(ctx: commands.Context[ReelBot]) -> bool:
        cooldowns = _cooldowns(ctx.cog)
        if cooldowns is None or ctx.command is None:
            return True
        guild_id = ctx.guild.id if ctx.guild else None
        throttle = cooldowns.hit(ctx.command.qualified_name, guild_id, ctx.author.id)
        if throttle is None:
            return True
        # A slash invocation must be answered; a message repeated while cooling down is not,
        # so the notice goes out once per window instead of once per message.
        quiet = throttle.warned_before and ctx.interaction is None
        error = QuietCooldown if quiet else commands.CommandOnCooldown
        raise error(throttle.cooldown(), throttle.retry_after, commands.BucketType.member)

    return commands.check(predicate)


def slash_cooldown() -> Any:
    """Decorate a slash command of a cog that has ``cooldowns``."""

    async def predicate(interaction: discord.Interaction[ReelBot]) -> bool:
        command = interaction.command
        cooldowns = _cooldowns(getattr(command, "binding", None))
        if cooldowns is None or command is None:
            return True
        throttle = cooldowns.hit(command.qualified_name, interaction.guild_id, interaction.user.id)
        if throttle is None:
            return True
        raise app_commands.CommandOnCooldown(throttle.cooldown(), throttle.retry_after)

    return app_commands.check(predicate)


def is_bad_input(error: BaseException) -> bool:
    """Tell whether a command failed because of what the member typed (refunded)."""
    error = unwrap_error(error)
    return isinstance(
        error,
        commands.UserInputError | app_commands.TransformerError | UnknownMovie | PageOutOfRange,
    )


def refund_context(
    cooldowns: MemberCooldowns, ctx: commands.Context[Any], error: Exception
) -> None:
    """Refund a prefix or hybrid call that failed on bad input."""
    if ctx.command is not None and is_bad_input(error):
        guild_id = ctx.guild.id if ctx.guild else None
        cooldowns.refund(ctx.command.qualified_name, guild_id, ctx.author.id)


def refund_interaction(
    cooldowns: MemberCooldowns, interaction: discord.Interaction[Any], error: Exception
) -> None:
    """Refund a slash call that failed on bad input."""
    command = interaction.command
    if command is not None and is_bad_input(error):
        cooldowns.refund(command.qualified_name, interaction.guild_id, interaction.user.id)


class MemberCog(commands.Cog):
    """A cog of member commands: per-member cooldowns, refunded when the input was bad."""

    def __init__(self, bot: ReelBot) -> None:
        self.bot = bot
        self.cooldowns = MemberCooldowns(bot.settings.command_cooldown)

    async def cog_command_error(self, ctx: commands.Context[ReelBot], error: Exception) -> None:  # type: ignore[override]
        """Give back the cooldown of a call that failed on bad input (then the reporter runs)."""
        refund_context(self.cooldowns, ctx, error)

    async def cog_app_command_error(  # type: ignore[override]
        self, interaction: discord.Interaction[ReelBot], error: app_commands.AppCommandError
    ) -> None:
        """Give back the cooldown of a slash call that failed on bad input."""
        refund_interaction(self.cooldowns, interaction, error)


async def reply_in_time(ctx: commands.Context[Any], work: Awaitable[Reply]) -> None:
    """Answer a prefix or hybrid command with ``work``'s reply (slash: within Discord's 3 s)."""
    if ctx.interaction is not None:
        await answer_in_time(ctx.interaction, work)
        return
    content, embeds, view = await work
    if view is None:
        await ctx.send(content, embeds=list(embeds))
    else:
        await ctx.send(content, embeds=list(embeds), view=view)
