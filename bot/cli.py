"""Command line: `run` (the default), `parse`, `ingest`, `preview` and `web` (DESIGN.md)."""

from __future__ import annotations

import argparse
import asyncio
import enum
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dotenv import find_dotenv, load_dotenv

from bot.config import ConfigError, Settings
from bot.domain.errors import NoReactions, ParseError, ReelError, UserError

if TYPE_CHECKING:
    from aiohttp.web import AppRunner

    from bot.store.protocol import ReactionStore


class ExitCode(enum.IntEnum):
    """Process exit statuses; 0/1/2 are DESIGN.md's `parse` contract."""

    OK = 0
    NOTHING_FOUND = 1
    BAD_INPUT = 2
    CONFIG = 3
    STARTUP = 4


def _fail(message: str, code: ExitCode) -> int:
    print(message, file=sys.stderr)
    return code


def _one_line(error: BaseException) -> str:
    """Return an error's text on one line (an operator reads it in a terminal or a log)."""
    return " ".join(str(error).split()) or type(error).__name__


def _print_json(data: Any) -> None:
    # Bytes, not text: emoji must survive a C locale's ASCII stdout.
    sys.stdout.buffer.write(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()


def command_parse(args: argparse.Namespace) -> int:
    """Parse one article file and print it as JSON; nothing is stored."""
    from bot.parsing import parse

    path = Path(args.path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return _fail(f"cannot read {path}: {error.strerror or error}", ExitCode.BAD_INPUT)
    try:
        article = parse(data, movie=args.movie, source=None)
    except NoReactions as error:
        return _fail(f"{path.name}: {error.message}", ExitCode.NOTHING_FOUND)
    except ParseError as error:
        return _fail(f"{path.name}: {error.message}", ExitCode.BAD_INPUT)
    _print_json(article.to_json())
    return ExitCode.OK


async def _ingest(settings: Settings, paths: list[Path], movie: str | None) -> int:
    from bot.ingest.files import ingest_paths
    from bot.store import open_sqlite_store

    store = await open_sqlite_store(settings.database_path)
    try:
        report = await ingest_paths(store, paths, movie=movie)
        for path, result in report.stored:
            if result.created:
                print(
                    f"stored {path.name}: {result.movie.title} — {result.new_reactions} new "
                    f"reaction(s), {result.known_reactions} already known"
                )
            else:
                print(f"unchanged {path.name}: already stored as article {result.article_id}")
        for path, reason in report.failed:
            print(f"skipped {path.name}: {reason}", file=sys.stderr)
        counts = await store.counts()
        print(
            f"database {settings.database_path}: {counts.movies} movie(s), "
            f"{counts.articles} article(s), {counts.reactions} reaction(s)"
        )
    finally:
        await store.close()
    if not report.stored:
        return ExitCode.NOTHING_FOUND
    return ExitCode.NOTHING_FOUND if report.failed else ExitCode.OK


def command_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Parse and store articles into the database; the same article twice is stored once."""
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        return _fail(f"cannot read {', '.join(missing)}: no such file", ExitCode.BAD_INPUT)
    return asyncio.run(_ingest(settings, paths, args.movie))


async def _preview(settings: Settings, query: str, page: int) -> dict[str, Any]:
    from bot.discord_ui.pages import movie_page
    from bot.discord_ui.views import pager_view
    from bot.ingest.files import ingest_paths
    from bot.services.lookup import resolve_movie
    from bot.store import open_sqlite_store

    store = await open_sqlite_store(settings.database_path)
    try:
        # What the bot loads at start-up is part of what it would post.
        await ingest_paths(store, [settings.articles_dir])
        movie = await resolve_movie(store, query, None)
        rendered = await movie_page(store, movie, None, page)
    finally:
        await store.close()
    view = pager_view(movie.id, rendered)
    return {
        "content": rendered.content,
        "embeds": [embed.to_dict() for embed in rendered.embeds],
        "components": view.to_components() if view else [],
        "allowed_mentions": {"parse": []},
    }


def command_preview(args: argparse.Namespace, settings: Settings) -> int:
    """Print the exact payload `!reactions MOVIE` would post."""
    try:
        payload = asyncio.run(_preview(settings, args.movie, args.page))
    except UserError as error:
        return _fail(error.message.replace("**", ""), ExitCode.NOTHING_FOUND)
    _print_json(payload)
    return ExitCode.OK


async def _start_panel(settings: Settings, store: ReactionStore) -> AppRunner | None:
    """Start the moderators' web panel beside the bot when WEB_LISTEN is set (issue 16)."""
    if settings.web is None:
        return None
    from bot.web.serve import start_panel

    return await start_panel(settings, store)


async def _run_bot(settings: Settings) -> None:
    from bot.discord_ui.client import ReelBot, open_store, use_api_base

    # First of all: a database the bot cannot use is refused before the Discord client
    # exists, so nothing touches the network and the refusal is the one line printed.
    store = await open_store(settings)
    try:
        if settings.discord_api_base:
            use_api_base(settings.discord_api_base)
        bot = ReelBot(settings, store=store)
        panel = await _start_panel(settings, store)
    except BaseException:
        await store.close()
        raise
    closing: list[asyncio.Future[None]] = []

    async def stop() -> None:
        # The panel first: no request of it may find the database the bot closes.
        if panel is not None:
            await panel.cleanup()
        await bot.close()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, lambda: closing.append(asyncio.ensure_future(stop())))
    try:
        async with bot:
            await bot.start(settings.discord_token.reveal())
    finally:
        # start() returns as soon as the gateway closes, while the close() a signal began
        # may still be stopping the parse worker and the database: let it finish, or
        # asyncio.run would cancel it and leave the database thread holding the process.
        for task in closing:
            await task
        if panel is not None:
            await panel.cleanup()  # a second clean-up (after a signal's) does nothing more
        await store.close()


def _secrets(settings: Settings) -> list[str]:
    """Return every secret a log line must never show: the token and the panel's keys."""
    found = [settings.discord_token.reveal()]
    if settings.web is not None:
        found += [settings.web.client_secret.reveal(), settings.web.session_secret.reveal()]
    return [secret for secret in found if secret]


def command_run(settings: Settings) -> int:
    """Run the bot until it is stopped; a failure to start is one line on stderr."""
    import aiohttp
    import discord
    from discord.ext import commands

    from bot.log import setup_logging

    if not settings.discord_token:
        return _fail(
            "DISCORD_TOKEN is not set: copy .env.example to .env and put your bot token in it.",
            ExitCode.CONFIG,
        )
    if settings.web is not None:
        from bot.web.serve import required_web

        try:
            required_web(settings)  # before anything is opened: the refusal is one line
        except ConfigError as error:
            return _fail(str(error), ExitCode.CONFIG)
    setup_logging(settings.log_level, secrets=_secrets(settings))
    try:
        asyncio.run(_run_bot(settings))
    except discord.LoginFailure:
        return _fail("Discord refused DISCORD_TOKEN: check the token in .env.", ExitCode.CONFIG)
    except discord.PrivilegedIntentsRequired:
        return _fail(
            "Enable the Message Content intent for the bot in the Discord developer portal.",
            ExitCode.CONFIG,
        )
    except (ReelError, commands.ExtensionError) as error:
        return _fail(f"start-up failed: {_one_line(error)}", ExitCode.STARTUP)
    except (aiohttp.ClientError, OSError) as error:
        # DISCORD_API_BASE unreachable, a DATABASE_PATH folder that cannot be created...
        return _fail(f"start-up failed: {_one_line(error)}", ExitCode.STARTUP)
    except discord.DiscordException as error:
        return _fail(f"the Discord connection failed: {_one_line(error)}", ExitCode.STARTUP)
    return ExitCode.OK


def command_web(settings: Settings) -> int:
    """Serve the moderators' web panel without the gateway (issue 16)."""
    from bot.log import setup_logging
    from bot.web.serve import serve_alone

    setup_logging(settings.log_level, secrets=_secrets(settings))
    try:
        asyncio.run(serve_alone(settings))
    except ConfigError as error:
        return _fail(str(error), ExitCode.CONFIG)
    except (ReelError, OSError) as error:
        return _fail(f"start-up failed: {_one_line(error)}", ExitCode.STARTUP)
    return ExitCode.OK


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Reaction Reel")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    parse = commands.add_parser("parse", help="parse an article file and print it as JSON")
    parse.add_argument("path", help="a plain-text or HTML article")
    parse.add_argument("--movie", help="the movie's title, instead of the one found")
    ingest = commands.add_parser("ingest", help="parse and store articles (idempotent)")
    ingest.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
    ingest.add_argument("--movie", help="the movie's title, instead of the one found")
    preview = commands.add_parser("preview", help="print the payload !reactions MOVIE would post")
    preview.add_argument("movie", help="title, slug or alias")
    preview.add_argument("--page", type=int, default=1, help="page number (default 1)")
    commands.add_parser("web", help="serve the moderators' web panel without the gateway")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "parse":
        return command_parse(args)
    # The operator runs the bot from its folder; .env there is read, the real environment wins.
    load_dotenv(find_dotenv(usecwd=True), override=False)
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as error:
        return _fail(str(error), ExitCode.CONFIG)
    if args.command == "ingest":
        return command_ingest(args, settings)
    if args.command == "preview":
        return command_preview(args, settings)
    if args.command == "web":
        return command_web(settings)
    return command_run(settings)
