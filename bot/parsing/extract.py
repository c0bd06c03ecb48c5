"""What a format-specific parser hands back before movie and spoiler detection."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.models import Reaction


@dataclass(slots=True)
class Extract:
    """The raw findings of one parser run over one document.

    ``prose`` is the article's own visible text (headings, paragraphs; no scripts,
    styles or navigation), used to find the movie and the spoiler warning.
    """

    title: str | None = None
    published: str | None = None
    prose: str = ""
    reactions: list[Reaction] = field(default_factory=list)
