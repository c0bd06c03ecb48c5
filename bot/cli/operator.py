"""The operator's commands: list and curate what every server sees, back up and check the database.

They call the same services as the Discord commands, with "no guild" as the scope and the
operator (user id 0) as the actor of every audit row.
"""

from __future__ import annotations

from pathlib import Path

from bot.cli.exits import CliError, ExitCode
from bot.cli.progress import progress
from bot.config import Settings
from bot.domain.records import OPERATOR_ID, DatabaseReport
from bot.services import articles, curation, reading
from bot.store import opened_store
from bot.store.factory import database_label

ARTICLES_SHOWN = 50
VIA = "cli"


def _counts(report: DatabaseReport) -> str:
    counts = report.counts
    if counts is None:
        return "rows not countable"
    return f"{counts.movies} movie(s), {counts.articles} article(s), {counts.reactions} reaction(s)"


async def command_movies(settings: Settings) -> int:
    """List the movies every server sees, with their short names, aliases and counts."""
    async with opened_store(settings) as store:
        summaries = await reading.movies(store, None)
    for summary in summaries:
        movie = summary.movie
        others = [alias for alias in movie.aliases if alias != movie.title]
        aliases = f" (also: {', '.join(others)})" if others else ""
        print(f"{movie.slug}\t{movie.title}{aliases}\t{summary.reaction_count} reaction(s)")
    print(f"{len(summaries)} movie(s)")
    return ExitCode.OK if summaries else ExitCode.NOTHING_FOUND


async def command_articles(settings: Settings, movie: str | None) -> int:
    """List the articles every server sees (the operator's own), newest first."""
    async with opened_store(settings) as store:
        listing = await articles.list_articles(store, None, movie, 1, per_page=ARTICLES_SHOWN)
        rest = listing.data.total - len(listing.data.articles)
    for summary in listing.data.articles:
        title = summary.title or summary.source or "untitled"
        print(
            f"{summary.id}\t{title}\t{summary.movie.title}\t"
            f"{summary.reaction_count} reaction(s)\t{summary.created_at[:10]}"
        )
    more = f" (the newest {ARTICLES_SHOWN} shown)" if rest > 0 else ""
    print(f"{listing.data.total} article(s){more}")
    return ExitCode.OK if listing.data.total else ExitCode.NOTHING_FOUND


async def command_article_remove(settings: Settings, article_id: int) -> int:
    """Remove an article the operator loaded, and the reactions only it had."""
    async with opened_store(settings) as store:
        summary = await articles.removable_article(store, None, article_id)
        result = await articles.remove_article(store, None, OPERATOR_ID, article_id, via=VIA)
    print(
        f"removed article {article_id} ({summary.title or summary.source or 'untitled'}) and "
        f"the {result.removed_reactions} reaction(s) only it had"
    )
    return ExitCode.OK


async def command_movie_rename(settings: Settings, movie: str, title: str) -> int:
    """Fix a movie's own title, as every server sees it unless a server renamed it."""
    async with opened_store(settings) as store:
        before, after = await curation.rename_movie(store, None, OPERATOR_ID, movie, title, via=VIA)
    print(f"{before.title} is now {after.title}")
    return ExitCode.OK


async def command_movie_alias(settings: Settings, movie: str, alias: str) -> int:
    """Give a movie another name every server knows."""
    async with opened_store(settings) as store:
        found, name = await curation.add_alias(store, None, OPERATOR_ID, movie, alias, via=VIA)
    print(f"{found.title} can now also be found as {name}")
    return ExitCode.OK


def backup_destination(given: Path) -> Path:
    """Return the absolute path a backup goes to: a new file in a folder that exists."""
    destination = given.expanduser().absolute()
    if destination.exists():
        raise CliError(f"{destination} already exists; give a new file name", ExitCode.BAD_INPUT)
    if not destination.parent.is_dir():
        raise CliError(
            f"cannot write {destination}: no folder {destination.parent}", ExitCode.BAD_INPUT
        )
    return destination


async def command_backup(settings: Settings, destination: Path) -> int:
    """Copy the database consistently, while the bot may be running (SQLite's backup API).

    ``destination`` has passed `backup_destination`.
    """
    async with opened_store(settings) as store:
        with progress(1, "backup", "copy") as advance:
            report = await store.backup(destination)
            advance(1)
    print(
        f"backed up {settings.database_path} to {destination}: schema version "
        f"{report.schema_version}, {_counts(report)}"
    )
    return ExitCode.OK


async def command_check(settings: Settings) -> int:
    """Check the database's integrity and say its schema version and counts."""
    if settings.database_url is None and not settings.database_path.is_file():
        raise CliError(f"there is no database at {settings.database_path}", ExitCode.STARTUP)
    async with opened_store(settings) as store:
        with progress(1, "check", "step") as advance:
            report = await store.check()
            advance(1)
    print(f"database {database_label(settings)}")
    print(f"schema version {report.schema_version}")
    print(_counts(report))
    if report.problems:
        for problem in report.problems:
            print(f"problem: {problem}")
        print(f"integrity: {len(report.problems)} problem(s); restore a backup")
        return ExitCode.STARTUP
    print("integrity: ok")
    return ExitCode.OK
