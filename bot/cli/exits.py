"""Exit codes and one-line failures: an operator reads a terminal or a log, never a traceback."""

from __future__ import annotations

import enum
import sys


class ExitCode(enum.IntEnum):
    """Process exit statuses; 0/1/2 are DESIGN.md's `parse` contract, kept by every command."""

    OK = 0
    NOTHING_FOUND = 1
    """No reactions in the input, no article in a folder, no such movie or article."""
    BAD_INPUT = 2
    """The input cannot be read or used: missing, not a regular file, too large, not text."""
    CONFIG = 3
    """A setting is missing or wrong (DISCORD_TOKEN, an env file, a variable's value)."""
    STARTUP = 4
    """The database cannot be used, or the bot could not start (Discord unreachable)."""
    INTERNAL = 70
    """A bug: the one line says so, and ``--traceback`` shows where."""


EXIT_CODES_HELP = """exit codes:
  0   done
  1   nothing found: no reactions in the input, no article in a folder, no such movie
  2   bad input: missing, unreadable, not a regular file, too large, not text, bad value
  3   configuration: a missing or wrong setting (DISCORD_TOKEN, --env-file, a variable)
  4   the database cannot be used, or the bot could not start
  70  an internal error (a bug); --traceback shows where"""


class CliError(Exception):
    """A failure the CLI reports as one line and an exit code."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def one_line(error: BaseException) -> str:
    """Return an error's text on one line."""
    return " ".join(str(error).split()) or type(error).__name__


def fail(message: str, code: ExitCode) -> int:
    """Print ``message`` as one line on stderr and return ``code``."""
    print(" ".join(message.split()), file=sys.stderr)
    return code


def plain(message: str) -> str:
    """Return a member-facing message as a terminal shows it: no markdown marks or escapes."""
    return message.replace("**", "").replace("`", "").replace("\\", "")
