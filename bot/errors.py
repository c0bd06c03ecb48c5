"""Domain errors. ``UserError`` subclasses carry a message that is safe to show a member."""

from __future__ import annotations

from collections.abc import Sequence


class ReelError(Exception):
    """Base of every error Reaction Reel raises on purpose."""


class UserError(ReelError):
    """An error whose message is written for the person who typed the command."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ParseError(UserError):
    """The input could not be read as an article (not text, broken encoding...)."""


class NoReactions(UserError):
    """The article was read but holds no posts with text."""


class UnknownMovie(UserError):
    """No movie matches what was asked; ``suggestions`` are the closest titles."""

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions = tuple(suggestions)
        if self.suggestions:
            shown = ", ".join(f"**{title}**" for title in self.suggestions)
            message = f"I don't know a movie called “{query}”. Did you mean {shown}?"
        else:
            message = f"I don't know a movie called “{query}”. Try `movies` to see them all."
        super().__init__(message)


class PageOutOfRange(UserError):
    """A page number past the last page (or below 1) was asked for."""


class StoreError(ReelError):
    """The database cannot be used (failed migration, schema newer than the code)."""
