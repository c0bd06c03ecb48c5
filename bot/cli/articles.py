"""`parse` and `ingest`: article files in, JSON or stored articles out (DESIGN.md contracts)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.exits import CliError, ExitCode
from bot.cli.progress import progress
from bot.config import Settings
from bot.domain.errors import NoReactions, ParseError
from bot.ingest.files import article_files, ingest_paths, read_article
from bot.parsing import parse


def print_json(data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON on stdout."""
    # Bytes, not text: emoji must survive a C locale's ASCII stdout.
    sys.stdout.buffer.write(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()


def command_parse(path: Path, movie: str | None) -> int:
    """Parse one article file and print it as JSON; nothing is stored."""
    try:
        article = parse(read_article(path), movie=movie, source=None)
    except NoReactions as error:
        raise CliError(f"{path.name}: {error.message}", ExitCode.NOTHING_FOUND) from None
    except ParseError as error:
        shown = error.message if str(path) in error.message else f"{path.name}: {error.message}"
        raise CliError(shown, ExitCode.BAD_INPUT) from None
    print_json(article.to_json())
    return ExitCode.OK


def _files(paths: list[Path]) -> list[Path]:
    """Return the article files under ``paths``; a missing path or an empty folder is refused."""
    missing = [str(path) for path in paths if not path.exists() and not path.is_symlink()]
    if missing:
        raise CliError(f"cannot read {', '.join(missing)}: no such file", ExitCode.BAD_INPUT)
    try:
        files = article_files(paths)
    except OSError as error:
        raise CliError(
            f"cannot read a folder: {error.strerror or error}", ExitCode.BAD_INPUT
        ) from None
    if not files:
        shown = ", ".join(str(path) for path in paths)
        raise CliError(
            f"nothing to read in {shown}: no .txt, .html or .htm files", ExitCode.NOTHING_FOUND
        )
    return files


async def command_ingest(settings: Settings, paths: list[Path], movie: str | None) -> int:
    """Parse and store articles; each skipped file is reported once, with its reason.

    Exits as `parse` would for the worst file: 2 if one could not be read, else 1 if
    one held no article, else 0.
    """
    from bot.store import opened_store  # not imported by `parse`, which needs no store

    files = _files(paths)
    async with opened_store(settings) as store:
        with progress(len(files), "ingest", "file") as advance:
            report = await ingest_paths(store, files, movie=movie, progress=lambda _p: advance(1))
        counts = await store.counts()
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
    print(
        f"database {settings.database_path}: {counts.movies} movie(s), "
        f"{counts.articles} article(s), {counts.reactions} reaction(s); "
        f"{len(report.stored)} of {len(files)} file(s) stored or already there"
    )
    if report.unreadable:
        return ExitCode.BAD_INPUT
    return ExitCode.NOTHING_FOUND if report.failed else ExitCode.OK
