"""The one exception tree. ``UserError``s carry the message a member sees; the rest are faults.

- `UserError`: the input was refused, for a reason the person who typed it can act on.
  Its ``message`` is shown as is (Discord markdown, with member text escaped), never a
  traceback. Subclasses name the kind: `InvalidInput` (a value the rules refuse),
  `NotFound` (no such thing in this server), `Conflict` (the name or thing is taken),
  `ParseError`/`NoReactions` (an article that cannot be used), `UnknownMovie`,
  `PageOutOfRange`.
- `StoreError`: the database cannot be used at all (a fault for the operator).
- `StoreUnavailable`: the database is unreachable for a moment; the member is told to
  try again.
- `ClaimLost`: a process's claim on a scheduled slot ran out and another took the slot
  over; the late process records nothing (no member sees it).

Services raise these and nothing else on bad input: no ``ValueError`` or ``LookupError``
crosses the service boundary.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.markdown import escape, name_markdown, shorten

MAX_QUERY_SHOWN = 100


class ReelError(Exception):
    """Base of every error Reaction Reel raises on purpose."""


class UserError(ReelError):
    """An error whose message is written for the person who typed the command."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(UserError):
    """A value the rules refuse: an alias with no letters, a page size of 40, a bad time."""


class NotFound(UserError):
    """No such reaction, article, movie or schedule in this server (or another server's)."""


class Conflict(UserError):
    """The name or thing asked for is already taken (an alias naming another movie...)."""


class ParseError(UserError):
    """The input could not be read as an article (not text, broken encoding...)."""


class ParseTimeout(ParseError):
    """Parsing took longer than its limit, so the worker doing it was killed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"The page took too long to read (over {seconds:g} s); it may be malformed."
        )


class UnreadableInput(ParseError):
    """The input cannot be read at all: missing, no permission, not a regular file, too large."""


class NoReactions(UserError):
    """The article was read but holds no posts with text."""


class UnknownMovie(UserError):
    """No movie matches what was asked; ``suggestions`` are the closest titles."""

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions = tuple(suggestions)
        # The query is whatever a member typed: shown escaped, and not at any length.
        asked = escape(shorten(query, MAX_QUERY_SHOWN))
        if self.suggestions:
            shown = ", ".join(f"**{name_markdown(title, 100)}**" for title in self.suggestions)
            message = f"I don't know a movie called “{asked}”. Did you mean {shown}?"
        else:
            message = f"I don't know a movie called “{asked}”. Try `movies` to see them all."
        super().__init__(message)


class PageOutOfRange(UserError):
    """A page number past the last page (or below 1) was asked for."""


class StoreError(ReelError):
    """The database cannot be used (failed migration, schema newer than the code)."""


class StoreUnavailable(ReelError):
    """The database is unreachable for a moment (a restart, a dropped connection)."""


class ClaimLost(ReelError):
    """A scheduled run's claim ran out and another process took the slot over."""
