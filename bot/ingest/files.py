"""Read article files, parse them and store each in one transaction; idempotent."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.domain.errors import ReelError
from bot.domain.records import IngestResult
from bot.parsing import MAX_INPUT_BYTES, parse
from bot.store.protocol import ReactionStore

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
# An article is a web page; anything larger is not one (README, "Limits"). The parser
# refuses larger input itself; files are checked before they are read.
MAX_ARTICLE_BYTES = MAX_INPUT_BYTES


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


def read_article(path: Path) -> bytes:
    """Read an article file, refusing one too large to be an article."""
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise ReelError(
            f"{path.name} is {size:,} bytes; articles are at most {MAX_ARTICLE_BYTES:,}"
        )
    return path.read_bytes()


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
        raise ReelError("no movie found in the article; name it with --movie")
    return await store.ingest_article(article, content_hash=content_hash(data), guild_id=guild_id)


@dataclass(frozen=True, slots=True)
class FolderReport:
    """What loading a set of files did: results per stored file and failures by file."""

    stored: list[tuple[Path, IngestResult]]
    failed: list[tuple[Path, str]]


async def ingest_paths(
    store: ReactionStore, paths: Iterable[Path], *, movie: str | None = None
) -> FolderReport:
    """Ingest every article under ``paths``; one bad file is logged and skipped."""
    stored: list[tuple[Path, IngestResult]] = []
    failed: list[tuple[Path, str]] = []
    for path in article_files(paths):
        try:
            data = read_article(path)
            result = await ingest_bytes(store, data, movie=movie, source=path.name)
        except (OSError, ReelError) as error:
            reason = getattr(error, "message", None) or str(error)
            log.warning("Skipped article %s: %s", path, reason)
            failed.append((path, reason))
            continue
        stored.append((path, result))
    return FolderReport(stored=stored, failed=failed)
