"""Plain data shared by the parser, the store, the renderer and the CLI."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(title: str) -> str:
    """Return the movie slug: the lower-case ASCII letters and digits of ``title``.

    Accents are folded first (``Amélie`` -> ``amelie``); a title with no ASCII letters
    or digits at all (``天気の子``) keeps its own lower-cased letters so it still has a key.
    """
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("", folded.lower())
    if slug:
        return slug
    return "".join(ch for ch in title.casefold() if ch.isalnum())


@dataclass(frozen=True, slots=True)
class MovieRef:
    """A movie as an article names it, before it is stored."""

    title: str
    slug: str

    @classmethod
    def from_title(cls, title: str) -> MovieRef:
        """Build a reference from a display title."""
        clean = " ".join(title.split())
        return cls(title=clean, slug=slugify(clean))


@dataclass(frozen=True, slots=True)
class Reaction:
    """One social-media post quoted by an article."""

    platform: str
    text: str
    author_name: str | None = None
    handle: str | None = None
    date: str | None = None
    url: str | None = None
    post_id: str | None = None

    def key(self) -> str:
        """Return the natural key that makes the same post quoted twice one reaction."""
        if self.post_id:
            return f"{self.platform}:id:{self.post_id}"
        text = " ".join(self.text.split()).casefold()
        return f"{self.platform}:{(self.handle or '').casefold()}:{self.date or ''}:{text}"

    def to_json(self) -> dict[str, Any]:
        """Return the reaction in the shape of DESIGN.md's ``parse`` contract."""
        return {
            "platform": self.platform,
            "text": self.text,
            "author_name": self.author_name,
            "handle": self.handle,
            "date": self.date,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class SkippedPost:
    """A post an article embeds but carries no text for (a Threads embed, an ID-only tweet)."""

    platform: str
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the post in the shape of DESIGN.md's ``parse`` contract."""
        return {"platform": self.platform, "url": self.url}


@dataclass(frozen=True, slots=True)
class Article:
    """A parsed article: where it came from, which movie it is about, and its reactions."""

    title: str | None
    movie: MovieRef | None
    spoiler: bool
    published: str | None
    source: str | None
    reactions: tuple[Reaction, ...] = field(default_factory=tuple)
    skipped: tuple[SkippedPost, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """Return the article in the shape of DESIGN.md's ``parse`` contract."""
        return {
            "title": self.title,
            "movie": ({"title": self.movie.title, "slug": self.movie.slug} if self.movie else None),
            "spoiler": self.spoiler,
            "published": self.published,
            "source": self.source,
            "reactions": [reaction.to_json() for reaction in self.reactions],
            "skipped": [post.to_json() for post in self.skipped],
        }
