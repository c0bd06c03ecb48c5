"""Moderators' article intake: fetch or read, parse in the worker, preview data, then confirm."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import PurePath

from bot.domain.errors import InvalidInput, UserError
from bot.domain.markdown import escape, shorten
from bot.domain.models import Article, MovieRef
from bot.domain.records import AuditInfo, IngestResult
from bot.ingest.fetch import FetchPolicy, fetch_article
from bot.ingest.files import ARTICLE_SUFFIXES, MAX_ARTICLE_BYTES, content_hash
from bot.ingest.worker import ParseWorker, shared_worker
from bot.parsing.limits import MAX_TITLE_CHARS, cap_text
from bot.store.protocol import ReactionStore

MAX_SIZE_TEXT = f"{MAX_ARTICLE_BYTES // (1024 * 1024)} MB"


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """A parsed article waiting for a moderator's confirmation; nothing is stored yet."""

    article: Article
    content_hash: str
    known: int

    @property
    def new(self) -> int:
        """Return how many of its reactions are not stored yet."""
        return len(self.article.reactions) - self.known


def check_attachment(filename: str, size: int) -> None:
    """Refuse an attached file that cannot be an article, before downloading it."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise UserError("Attach the article as an `.html` or `.txt` file.")
    if size > MAX_ARTICLE_BYTES:
        raise UserError(f"That file is larger than {MAX_SIZE_TEXT}; articles are smaller.")


def _with_choices(article: Article, movie: str | None, spoilers: bool | None) -> Article:
    if movie and movie.strip():
        # Capped where it enters, like titles found in articles (issue 12).
        article = dataclasses.replace(
            article, movie=MovieRef.from_title(cap_text(movie, MAX_TITLE_CHARS))
        )
    if spoilers is not None:
        article = dataclasses.replace(article, spoiler=spoilers)
    if article.movie is None:
        raise UserError(
            "I couldn't tell which movie this article is about: give the `movie` option."
        )
    if not article.movie.slug:
        raise InvalidInput(
            f"The movie title “{escape(shorten(article.movie.title, 100))}” has no letters or "
            "digits: give the `movie` option with its real title."
        )
    return article


async def prepare_article(
    store: ReactionStore,
    data: bytes,
    *,
    source: str | None,
    charset: str | None = None,
    movie: str | None = None,
    spoilers: bool | None = None,
    worker: ParseWorker | None = None,
) -> PreparedArticle:
    """Parse ``data`` in the parse worker and count the posts already stored.

    A page is untrusted input: the worker process is killed when it takes longer than
    its limit (`ParseTimeout`), so no page can stall the bot. ``worker`` defaults to the
    bot's shared one.
    """
    if len(data) > MAX_ARTICLE_BYTES:
        raise UserError(f"That article is larger than {MAX_SIZE_TEXT}.")
    parser = worker if worker is not None else shared_worker()
    parsed = await parser.parse(data, movie=movie, source=source, charset=charset)
    article = _with_choices(parsed, movie, spoilers)
    known = await store.known_reaction_count(article)
    return PreparedArticle(article=article, content_hash=content_hash(data), known=known)


async def prepare_url(
    store: ReactionStore,
    url: str,
    policy: FetchPolicy,
    *,
    movie: str | None = None,
    spoilers: bool | None = None,
) -> PreparedArticle:
    """Download an article safely and prepare it."""
    page = await fetch_article(url, policy)
    return await prepare_article(
        store, page.body, source=page.url, charset=page.charset, movie=movie, spoilers=spoilers
    )


async def confirm_article(
    store: ReactionStore,
    prepared: PreparedArticle,
    guild_id: int,
    actor_id: int,
    *,
    via: str = "discord",
) -> IngestResult:
    """Store a previewed article for the server, with its audit row, in one transaction."""
    return await store.ingest_article(
        prepared.article,
        content_hash=prepared.content_hash,
        guild_id=guild_id,
        audit=AuditInfo(user_id=actor_id, via=via),
    )
