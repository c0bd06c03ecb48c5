"""Run ``python -m bot`` with two more commands: baselines measured in the same process.

``/bench-constant movie:`` offers, as its autocomplete, the same constant 25 choices every
time, at once. Measured in the same bot process as ``/reactions movie:``, it takes the
same path (gateway, discord.py's dispatch, the interaction callback over HTTP) without
the movie lookup, so the real autocomplete's time is compared with that floor.

``!bench-page`` answers with the page ``!reactions 12thfail`` shows (read and rendered
once, then kept), with its buttons: what sending a page of five embeds costs through
discord.py and the fake Discord when reading and rendering it cost nothing, the floor
of a burst of ``!reactions`` for movies nothing has cached.

Only the benchmarks start the bot this way (``python -m benchmarks.bot_entry``, from the
repository root); the product has no such commands.
"""

from __future__ import annotations

import runpy

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_ui.client import ReelBot
from bot.discord_ui.pages import named_movie_page
from bot.discord_ui.render import RenderedPage
from bot.discord_ui.views import pager_view

NAME = "bench-constant"
PAGE_COMMAND = "bench-page"
PAGE_MOVIE = "12thfail"
CHOICES = [
    app_commands.Choice(name=f"Constant Movie Number {n}", value=f"constantmovienumber{n}")
    for n in range(25)
]


async def _constant_choices(
    interaction: discord.Interaction[ReelBot], current: str
) -> list[app_commands.Choice[str]]:
    return CHOICES


@app_commands.command(name=NAME, description="Benchmark baseline: a constant autocomplete")
@app_commands.autocomplete(movie=_constant_choices)
async def bench_constant(interaction: discord.Interaction[ReelBot], movie: str) -> None:
    """Answer the chosen value (never used by the benchmark, which only autocompletes)."""
    await interaction.response.send_message(movie, ephemeral=True)


_kept_page: list[tuple[int, RenderedPage]] = []


@commands.command(name=PAGE_COMMAND)
async def bench_page(ctx: commands.Context[ReelBot]) -> None:
    """Send the page of `PAGE_MOVIE`, read and rendered once (a benchmark's floor)."""
    if not _kept_page:
        guild_id = ctx.guild.id if ctx.guild else None
        movie, rendered = await named_movie_page(ctx.bot.store, PAGE_MOVIE, guild_id, 1)
        _kept_page.append((movie.id, rendered))
    movie_id, rendered = _kept_page[0]
    view = pager_view(movie_id, rendered)
    if view is None:
        await ctx.send(content=rendered.content, embeds=rendered.embeds)
    else:
        await ctx.send(content=rendered.content, embeds=rendered.embeds, view=view)


_sync_commands = ReelBot.sync_commands


async def _sync_with_baseline(self: ReelBot) -> None:
    if self.tree.get_command(NAME) is None:
        self.tree.add_command(bench_constant)
    if self.get_command(PAGE_COMMAND) is None:
        self.add_command(bench_page)
    await _sync_commands(self)


ReelBot.sync_commands = _sync_with_baseline  # type: ignore[method-assign]

if __name__ == "__main__":
    runpy.run_module("bot", run_name="__main__", alter_sys=True)
