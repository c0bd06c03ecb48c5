"""Discord-shaped HTTP responses: JSON bodies, error objects and 429s."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import orjson
from aiohttp import web

from tests.e2e.fake_discord.validate import Problem

# discord.py treats a 429 without a Via header as a Cloudflare ban and gives up (http.py).
COMMON_HEADERS = {"Via": "1.1 google"}


def encode(data: Any) -> bytes:
    """Return the fake's own data as JSON (orjson: the bursts of the benchmarks share the
    machine's cores with the bot, so the fake's encoding must not weigh on what they time)."""
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


def reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """Answer with a JSON body."""
    # discord.py parses JSON only when Content-Type is exactly application/json (no charset).
    merged = COMMON_HEADERS | (headers or {}) | {"Content-Type": "application/json"}
    return web.Response(body=encode(data), status=status, headers=merged)


def no_content() -> web.Response:
    """Answer 204 No Content."""
    return web.Response(status=204, headers=COMMON_HEADERS)


def discord_error(
    status: int, message: str, code: int = 0, problems: Iterable[Problem] = ()
) -> web.Response:
    """Answer with Discord's error object (``errors`` lists form problems, if any)."""
    body: dict[str, Any] = {"message": message, "code": code}
    errors = {
        p.rule: {"_errors": [{"code": "BASE_TYPE_INVALID", "message": p.detail}]} for p in problems
    }
    if errors:
        body["errors"] = errors
    return reply(body, status)


def not_found() -> web.Response:
    """Answer an unknown route the way Discord does."""
    return discord_error(404, "404: Not Found")


def unknown(entity: str, code: int) -> web.Response:
    """Answer ``404 Unknown <entity>`` with Discord's JSON error code."""
    return discord_error(404, f"Unknown {entity}", code)


def invalid_form(problems: Iterable[Problem]) -> web.Response:
    """Answer ``400 Invalid Form Body`` (error 50035) listing the problems."""
    return discord_error(400, "Invalid Form Body", 50035, problems)


def rate_limited(retry_after: float, *, is_global: bool = False) -> web.Response:
    """Answer 429 with the body and X-RateLimit-* headers Discord sends."""
    headers = {
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Bucket": "fake-bucket",
        "X-RateLimit-Scope": "global" if is_global else "user",
        "Retry-After": str(max(1, round(retry_after))),
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
    }
    return reply(body, 429, headers)
