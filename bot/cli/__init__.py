"""Command line: `run` (the default), `parse`, `ingest`, `preview` and the operator's commands.

`parse`, `ingest` and `preview` keep DESIGN.md's contracts. Every failure is one line on
stderr and a documented exit code (`bot.cli.exits`), never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from bot import __version__
from bot.cli.exits import EXIT_CODES_HELP, CliError, ExitCode, fail, one_line, plain
from bot.domain.errors import NoReactions, NotFound, StoreError, UnknownMovie, UserError

ENVIRONMENT_HELP = """environment (also read from .env, or the file --env-file names):
  DISCORD_TOKEN      the bot token (run only)
  DATABASE_PATH      the SQLite file (default data/reactions.db)
  DATABASE_URL       a postgresql:// URL: use PostgreSQL instead of SQLite
  ARTICLES_DIR       articles loaded at start-up (default: the bundled ones)
  COMMAND_PREFIX, DISCORD_API_BASE, DEV_GUILD_ID, FETCH_ALLOW_HOSTS, LOG_LEVEL,
  COMMAND_COOLDOWN, SCHEDULE_TICK_SECONDS: see docs/configuration.md
relative paths in an env file are relative to that file's folder"""


def program_name(argv0: str = sys.argv[0]) -> str:
    """Return the program as it was invoked: ``python -m bot`` or the script's name."""
    name = Path(argv0).name
    return "python -m bot" if name in ("__main__.py", "-m", "") else name


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print the error on one line and exit with BAD_INPUT."""
        fail(f"{self.prog}: {message} (see {self.prog} --help)", ExitCode.BAD_INPUT)
        raise SystemExit(ExitCode.BAD_INPUT)


def _page(text: str) -> int:
    try:
        page = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the page must be a number, not {text!r}") from None
    if page < 1:
        raise argparse.ArgumentTypeError("the page must be 1 or more")
    return page


def _common_options(default: object) -> OneLineParser:
    """Return the options every command takes, before or after its name.

    After the name they default to SUPPRESS, so they never undo what was given before it.
    """
    common = OneLineParser(add_help=False)
    common.add_argument(
        "--env-file", metavar="PATH", default=default, help="read settings from this file"
    )
    common.add_argument(
        "--traceback",
        action="store_true",
        default=default if default is argparse.SUPPRESS else False,
        help="show where an internal error happened",
    )
    return common


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """Return the argument parser of every sub-command."""
    common = _common_options(argparse.SUPPRESS)
    parser = OneLineParser(
        prog=prog or program_name(),
        description="Reaction Reel: movie reactions from articles, served in Discord.",
        epilog=f"{ENVIRONMENT_HELP}\n\n{EXIT_CODES_HELP}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_common_options(None)],
    )
    parser.add_argument("--version", action="version", version=f"reaction-reel {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)

    def add(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=summary,
            description=summary,
            parents=[common],
            epilog=EXIT_CODES_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    add("run", "run the bot (the default)")
    parse = add("parse", "parse an article file and print it as JSON; nothing is stored")
    parse.add_argument("path", type=Path, help="a plain-text or HTML article")
    parse.add_argument("--movie", help="the movie's title, instead of the one found")
    ingest = add("ingest", "parse and store articles (the same article twice is stored once)")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    ingest.add_argument("--movie", help="the movie's title, instead of the one found")
    preview = add("preview", "print the payload `!reactions MOVIE` would post")
    preview.add_argument("movie", help="title, slug or alias")
    preview.add_argument("--page", type=_page, default=1, help="page number (default 1)")
    preview.add_argument("--text", action="store_true", help="print it as a person reads it")
    add("movies", "list the movies every server sees")
    listing = add("articles", "list the articles every server sees (the operator's own)")
    listing.add_argument("--movie", help="only this movie's articles")
    article = add("article", "remove an article the operator loaded")
    article_commands = article.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=OneLineParser
    )
    remove = article_commands.add_parser("remove", help="remove an article and its own reactions")
    remove.add_argument("article_id", type=int, help="the id `articles` shows")
    movie = add("movie", "fix a movie's title or give it another name, for every server")
    movie_commands = movie.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=OneLineParser
    )
    rename = movie_commands.add_parser("rename", help="change the movie's own title")
    rename.add_argument("movie", help="title, slug or alias")
    rename.add_argument("title", help="the new title")
    alias = movie_commands.add_parser("alias", help="another name for the movie")
    alias.add_argument("movie", help="title, slug or alias")
    alias.add_argument("alias", help="the other name")
    backup = add("backup", "copy the database consistently, even while the bot runs")
    backup.add_argument("destination", type=Path, metavar="DEST", help="a new file")
    add("check", "check the database: integrity, schema version and counts")
    add("web", "serve the moderators' web panel without the gateway")
    copy_db = add("copy-db", "copy the SQLite database into an empty PostgreSQL one")
    copy_db.add_argument(
        "--to", required=True, metavar="URL", help="postgresql://user:password@host/database"
    )
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    """Run the chosen command; raises `CliError` and domain errors for main to report."""
    # Each command imports what it needs: `parse` reads a file, and importing discord.py,
    # aiohttp and asyncpg for it would take longer than the parse.
    from bot.cli import articles
    from bot.cli.articles import print_json

    if args.command == "parse":
        return articles.command_parse(args.path, args.movie)
    from bot.cli import operator, preview
    from bot.cli.environment import load_settings

    settings = load_settings(args.env_file)
    if args.command == "ingest":
        return asyncio.run(articles.command_ingest(settings, args.paths, args.movie))
    if args.command == "preview":
        payload = asyncio.run(preview.preview_payload(settings, args.movie, args.page))
        if args.text:
            sys.stdout.buffer.write(preview.payload_as_text(payload).encode("utf-8"))
        else:
            print_json(payload)
        return ExitCode.OK
    if args.command == "movies":
        return asyncio.run(operator.command_movies(settings))
    if args.command == "articles":
        return asyncio.run(operator.command_articles(settings, args.movie))
    if args.command == "article":
        return asyncio.run(operator.command_article_remove(settings, args.article_id))
    if args.command == "movie" and args.action == "rename":
        return asyncio.run(operator.command_movie_rename(settings, args.movie, args.title))
    if args.command == "movie":
        return asyncio.run(operator.command_movie_alias(settings, args.movie, args.alias))
    if args.command == "backup":
        destination = operator.backup_destination(args.destination)
        return asyncio.run(operator.command_backup(settings, destination))
    if args.command == "check":
        return asyncio.run(operator.command_check(settings))
    if args.command == "copy-db":
        from bot.cli.copy_db import command_copy_db

        return asyncio.run(command_copy_db(settings, args.to))
    from bot.cli.run import command_run, command_web

    if args.command == "web":
        return command_web(settings)
    return command_run(settings)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except CliError as error:
        return fail(error.message, error.code)
    except (NoReactions, UnknownMovie, NotFound) as error:
        return fail(plain(error.message), ExitCode.NOTHING_FOUND)
    except UserError as error:
        return fail(plain(error.message), ExitCode.BAD_INPUT)
    except StoreError as error:
        return fail(f"the database cannot be used: {one_line(error)}", ExitCode.STARTUP)
    except KeyboardInterrupt:
        return fail("interrupted", ExitCode.INTERNAL)
    except Exception as error:  # the one place a bug becomes one line instead of a traceback
        if args.traceback:
            traceback.print_exc()
        return fail(
            f"internal error: {type(error).__name__}: {one_line(error)} "
            "(a bug; run again with --traceback and report it)",
            ExitCode.INTERNAL,
        )
