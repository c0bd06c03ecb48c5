"""Logging set-up: one format, the level from LOG_LEVEL, secrets redacted."""

from __future__ import annotations

import logging
import re
import sys
from types import TracebackType

REDACTED = "[redacted]"
# Interaction and webhook tokens travel in REST paths that discord.py logs at DEBUG
# (discord.webhook.async_ logs every interaction response's URL).
_WEBHOOK_TOKEN = re.compile(r"(/(?:interactions/\d+|webhooks/\d+)/)[A-Za-z0-9._-]{20,}")
# discord.gateway logs every event it receives at DEBUG, and INTERACTION_CREATE carries
# its token as a field: 'token': '…' in a dict, "token": "…" in JSON, token=… in a query.
_TOKEN_FIELD = re.compile(
    r"""(\b\w*token['"]?\s*[:=]\s*['"]?)[^'"\s,;&}]+""",
    re.IGNORECASE,
)
# An Authorization header, whichever token it holds.
_AUTHORIZATION = re.compile(r"\b(Bot|Bearer)\s+[A-Za-z0-9._-]{20,}")


class RedactingFilter(logging.Filter):
    """Replace secrets in every record, its arguments and its traceback with ``[redacted]``.

    The message is rendered here, arguments and all, so a secret split across
    arguments is whole again before it is looked for.
    """

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def redact(self, text: str) -> str:
        """Return ``text`` with every known secret and token-bearing field masked."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        text = _WEBHOOK_TOKEN.sub(rf"\1{REDACTED}", text)
        text = _TOKEN_FIELD.sub(rf"\1{REDACTED}", text)
        return _AUTHORIZATION.sub(rf"\1 {REDACTED}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the record's message now, redacted, so no handler sees the raw text."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not raise inside the caller
            message = f"{record.msg!s} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
            # The exception itself stays unredacted: drop it so nothing formats it again.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _log_uncaught(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    """Send an uncaught exception through logging, so its traceback is redacted too."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return
    logging.getLogger("bot").critical("Uncaught exception", exc_info=(kind, error, traceback))


def setup_logging(level: str, secrets: list[str] | None = None) -> None:
    """Configure the root logger once: stderr, one line per record, secrets redacted.

    Uncaught exceptions and Python warnings go through the same handler, so nothing
    reaches stderr without passing the filter.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    handler.addFilter(RedactingFilter(secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    # discord.http logs every request body at DEBUG; keep it to warnings, as RoboDanny does.
    logging.getLogger("discord.http").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, root.level))
