"""Slash option autocomplete shared by every cog with a `movie` option."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord_ui.client import ReelBot
from bot.services.lookup import autocomplete_movies

MAX_CHOICE = 100  # Discord's limit on a choice's name and value


async def movie_choices(
    interaction: discord.Interaction[ReelBot], current: str
) -> list[app_commands.Choice[str]]:
    """Offer the (at most 25) movies the server sees that are closest to what was typed."""
    movies = await autocomplete_movies(interaction.client.store, current, interaction.guild_id)
    return [
        app_commands.Choice(name=movie.title[:MAX_CHOICE], value=movie.title[:MAX_CHOICE])
        for movie in movies
    ]
