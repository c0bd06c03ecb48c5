"""Slash option autocomplete shared by every cog with a `movie` option."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord_ui.client import ReelBot
from bot.domain.markdown import one_line, shorten
from bot.domain.records import Movie
from bot.services.lookup import autocomplete_movies

MAX_CHOICE = 100  # Discord's limit on a choice's name and value


async def movie_choices(
    interaction: discord.Interaction[ReelBot], current: str
) -> list[app_commands.Choice[str]]:
    """Offer the (at most 25) movies the server sees that are closest to what was typed."""
    movies = await autocomplete_movies(interaction.client.store, current, interaction.guild_id)
    return [
        app_commands.Choice(
            name=shorten(one_line(movie.title), MAX_CHOICE), value=choice_value(movie)
        )
        for movie in movies
    ]


def choice_value(movie: Movie) -> str:
    """Return what a choice sends for ``movie``: its slug, or ``#id`` when that is too long.

    A title cut to 100 characters may name another movie, or none (issue 12); the slug
    and the id always lead back to this one.
    """
    return movie.slug if len(movie.slug) <= MAX_CHOICE else f"#{movie.id}"
