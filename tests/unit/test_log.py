"""The redacting log filter, and where the token lives: never in a log line or the repository."""

from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.log import RedactingFilter, setup_logging

REPO = Path(__file__).resolve().parents[2]
# Dummies shaped like the real thing.
BOT_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhXyZq.redact-me_0123456789abcdefghijklmnop"  # noqa: S105
INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZmdoaWprbG1ub3A"  # noqa: S105


@pytest.fixture
def output() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """Give a DEBUG logger whose one handler formats like the bot's, through the filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter([BOT_TOKEN]))
    logger = logging.getLogger("tests.redaction")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.handlers.clear()
    logger.propagate = True


def written(output: tuple[logging.Logger, io.StringIO]) -> str:
    return output[1].getvalue()


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR])
def test_token_in_the_message_is_redacted_at_every_level(
    output: tuple[logging.Logger, io.StringIO], level: int
) -> None:
    logger, _ = output
    logger.log(level, f"logging in with {BOT_TOKEN} now")  # noqa: G004 - the secret in the text
    text = written(output)
    assert BOT_TOKEN not in text
    assert "logging in with [redacted] now" in text


def test_token_in_percent_arguments_is_redacted(output: tuple[logging.Logger, io.StringIO]) -> None:
    logger, _ = output
    logger.info("headers %r", {"Authorization": f"Bot {BOT_TOKEN}"})
    logger.info("token %s and %d", BOT_TOKEN, 7)
    assert BOT_TOKEN not in written(output)
    assert "and 7" in written(output)


def test_token_split_across_arguments_is_redacted(
    output: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, _ = output
    half = len(BOT_TOKEN) // 2
    logger.warning("%s%s", BOT_TOKEN[:half], BOT_TOKEN[half:])
    assert BOT_TOKEN not in written(output)
    assert BOT_TOKEN[:half] not in written(output)


def test_token_in_a_traceback_is_redacted(output: tuple[logging.Logger, io.StringIO]) -> None:
    logger, _ = output
    try:
        try:
            raise KeyError(BOT_TOKEN)
        except KeyError as cause:
            raise RuntimeError(f"login failed for {BOT_TOKEN}") from cause
    except RuntimeError:
        logger.exception("start-up failed")
    text = written(output)
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: login failed for [redacted]" in text
    assert "KeyError: '[redacted]'" in text
    assert BOT_TOKEN not in text


def test_token_in_exc_info_at_debug_is_redacted(output: tuple[logging.Logger, io.StringIO]) -> None:
    logger, _ = output
    error = ValueError(f"bad {BOT_TOKEN}")
    logger.debug("ignored", exc_info=(ValueError, error, None))
    assert BOT_TOKEN not in written(output)
    assert "ValueError: bad [redacted]" in written(output)


def test_stack_info_is_redacted() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    record.stack_info = f'Stack (most recent call last):\n  token = "{BOT_TOKEN}"'
    RedactingFilter([BOT_TOKEN]).filter(record)
    assert BOT_TOKEN not in (record.stack_info or "")


@pytest.mark.parametrize(
    "url",
    [
        f"http://127.0.0.1:5000/api/v10/interactions/1234567890/{INTERACTION_TOKEN}/callback",
        f"https://discord.com/api/v10/webhooks/987654321/{INTERACTION_TOKEN}?wait=true",
        f"https://discord.com/api/v10/webhooks/987654321/{INTERACTION_TOKEN}/messages/@original",
    ],
    ids=["callback", "follow-up", "original"],
)
def test_interaction_token_in_a_logged_url_is_redacted(
    output: tuple[logging.Logger, io.StringIO], url: str
) -> None:
    logger, _ = output
    # The exact line discord.webhook.async_ logs for every interaction response.
    logger.debug("Webhook ID %s with %s %s has returned status code %s", 987, "POST", url, 204)
    # And discord.http's, had its DEBUG been left on.
    logger.debug("%s %s with %s has returned %s", "POST", url, {"type": 4}, 204)
    text = written(output)
    assert INTERACTION_TOKEN not in text
    assert text.count("[redacted]") == 2


def test_interaction_token_in_a_gateway_event_is_redacted(
    output: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, _ = output
    event = {"t": "INTERACTION_CREATE", "op": 0, "d": {"id": "1", "token": INTERACTION_TOKEN}}
    # discord.gateway logs every received event like this at DEBUG.
    logger.debug("For Shard ID %s: WebSocket Event: %s", 0, event)
    logger.debug("raw %s", json.dumps(event))
    assert INTERACTION_TOKEN not in written(output)


def test_identify_payload_token_is_redacted(output: tuple[logging.Logger, io.StringIO]) -> None:
    logger, _ = output
    identify = {"op": 2, "d": {"token": "some-other-bot-token-1234567890", "intents": 33281}}
    logger.debug("Sending %s", identify)
    logger.debug("Sending %s", json.dumps(identify))
    logger.debug("GET /users/@me with Authorization: Bot some-other-bot-token-1234567890")
    text = written(output)
    assert "some-other-bot-token-1234567890" not in text
    assert "'intents': 33281" in text


def test_a_malformed_log_call_does_not_raise(output: tuple[logging.Logger, io.StringIO]) -> None:
    logger, _ = output
    logger.info("two %s %s", BOT_TOKEN)
    assert "two" in written(output)
    assert BOT_TOKEN not in written(output)


def test_text_without_secrets_is_untouched(output: tuple[logging.Logger, io.StringIO]) -> None:
    logger, _ = output
    logger.info("Loaded %d article(s) from %s", 3, "/srv/articles")
    assert written(output) == "INFO tests.redaction: Loaded 3 article(s) from /srv/articles\n"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    hook = sys.excepthook
    http_level = logging.getLogger("discord.http").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    sys.excepthook = hook
    logging.captureWarnings(False)
    logging.getLogger("discord.http").setLevel(http_level)


@pytest.mark.usefixtures("restore_logging")
def test_setup_logging_redacts_uncaught_exceptions_and_warnings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_logging("DEBUG", secrets=[BOT_TOKEN])
    logging.getLogger("discord.gateway").debug("event %s", {"token": INTERACTION_TOKEN})
    error = RuntimeError(f"crashed holding {BOT_TOKEN}")
    sys.excepthook(RuntimeError, error, None)
    logging.getLogger("py.warnings").warning("careful with %s", BOT_TOKEN)
    captured = capsys.readouterr()
    assert "Uncaught exception" in captured.err
    assert "RuntimeError: crashed holding [redacted]" in captured.err
    for secret in (BOT_TOKEN, INTERACTION_TOKEN):
        assert secret not in captured.err + captured.out
    assert logging.getLogger("discord.http").level == logging.WARNING


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, check=False, timeout=30
    )


def test_dotenv_is_ignored_by_git() -> None:
    if shutil.which("git") is None or _git("rev-parse", "--is-inside-work-tree").returncode:
        pytest.skip("not a git work tree")
    assert _git("check-ignore", "-q", ".env").returncode == 0
    assert _git("check-ignore", "-q", ".env.example").returncode == 1


def test_env_example_holds_no_token() -> None:
    lines = (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
    settings = dict(
        line.split("=", 1) for line in lines if "=" in line and not line.lstrip().startswith("#")
    )
    assert settings["DISCORD_TOKEN"].strip() == ""
    for name, value in settings.items():
        if "TOKEN" in name or "SECRET" in name:
            assert value.strip() == "", f"{name} in .env.example holds a value"
