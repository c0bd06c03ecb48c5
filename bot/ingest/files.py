"""Read article files safely, parse them and store each in one transaction; idempotent.

A file is opened without blocking and must be a regular file (a FIFO or ``/dev/zero``
would never end), and at most the size limit plus one byte is ever read, so a 1 GB file
is refused after 5 MB, not after reading it whole.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain.errors import NoReactions, ParseError, ReelError, UnreadableInput
from bot.domain.records import IngestResult
from bot.parsing import MAX_INPUT_BYTES, parse

if TYPE_CHECKING:  # the store (asyncpg, discord.py's) is not imported to parse a file
    from bot.store.protocol import ReactionStore

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
# An article is a web page; anything larger is not one (README, "Limits").
MAX_ARTICLE_BYTES = MAX_INPUT_BYTES
_MB = 1024 * 1024
_CHUNK = 256 * 1024


def content_hash(data: bytes) -> str:
    """Return the key that makes the same article stored once."""
    return hashlib.sha256(data).hexdigest()


def article_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their article files (sorted); keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES))
        else:
            found.append(path)
    return found


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return "no such file"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EISDIR:
        return "it is a folder"
    return (error.strerror or str(error)).lower()


def read_article(path: Path, limit: int = MAX_ARTICLE_BYTES) -> bytes:
    """Read an article file of at most ``limit`` bytes; `UnreadableInput` says why not."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise UnreadableInput(f"cannot read {path}: {_reason(error)}") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise UnreadableInput(f"cannot read {path}: it is a folder")
        raise UnreadableInput(
            f"cannot read {path}: not a regular file (a device, pipe or socket never ends)"
        )
    with os.fdopen(descriptor, "rb", buffering=0) as file:
        chunks: list[bytes] = []
        size = 0
        try:
            while size <= limit:
                chunk = file.read(min(_CHUNK, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except OSError as error:
            raise UnreadableInput(f"cannot read {path}: {_reason(error)}") from None
    if size > limit:
        raise UnreadableInput(
            f"{path} is larger than {limit / _MB:g} MB; articles are at most that (not read)"
        )
    return b"".join(chunks)


async def ingest_bytes(
    store: ReactionStore,
    data: bytes,
    *,
    movie: str | None = None,
    source: str | None = None,
    guild_id: int | None = None,
) -> IngestResult:
    """Parse one article and store it; raises `ReelError` when it has no movie or posts.

    The parse runs in-process: files from the articles folder and the command line are
    the operator's own, not untrusted pages (those go through `bot.ingest.worker`).
    """
    article = parse(data, movie=movie, source=source)
    if article.movie is None:
        raise NoReactions("no movie found in the article; name it with --movie")
    if not article.movie.slug:
        raise ParseError(f"the movie title {article.movie.title!r} has no letters or digits")
    return await store.ingest_article(article, content_hash=content_hash(data), guild_id=guild_id)


@dataclass(frozen=True, slots=True)
class FolderReport:
    """What loading a set of files did: results per stored file and failures by file.

    ``unreadable`` names the failed files that could not be read or were not text (the
    rest were read but hold no usable article), so the CLI exits as `parse` would.
    """

    stored: list[tuple[Path, IngestResult]]
    failed: list[tuple[Path, str]]
    unreadable: frozenset[Path] = frozenset()


Progress = Callable[[Path], None]


async def ingest_paths(
    store: ReactionStore,
    paths: Iterable[Path],
    *,
    movie: str | None = None,
    progress: Progress | None = None,
) -> FolderReport:
    """Ingest every article under ``paths``; a bad file is reported once and skipped.

    The caller says what to do with the failures (the CLI prints them, the bot logs
    them); ``progress`` is told of each file once it is done.
    """
    stored: list[tuple[Path, IngestResult]] = []
    failed: list[tuple[Path, str]] = []
    unreadable: set[Path] = set()
    for path in article_files(paths):
        try:
            data = read_article(path)
            stored.append((path, await ingest_bytes(store, data, movie=movie, source=path.name)))
        except ReelError as error:
            failed.append((path, getattr(error, "message", None) or str(error)))
            if isinstance(error, ParseError):
                unreadable.add(path)
        if progress is not None:
            progress(path)
    return FolderReport(stored=stored, failed=failed, unreadable=frozenset(unreadable))
