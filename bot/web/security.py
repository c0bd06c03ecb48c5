"""The panel's guards: encrypted sessions, CSRF tokens with an Origin check, rate limits, CSP."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Middleware
from aiohttp_session import Session, get_session, session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot.config import WebSettings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

COOKIE_NAME = "reel_session"
SESSION_MAX_AGE = 7 * 24 * 3600
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Nothing but the panel's own files may run or load; no page may frame it.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def session_storage(web_settings: WebSettings) -> EncryptedCookieStorage:
    """Return the encrypted cookie storage: HttpOnly, SameSite=Lax, Secure behind HTTPS."""
    key = hashlib.sha256(web_settings.session_secret.reveal().encode()).digest()
    return EncryptedCookieStorage(
        key,
        cookie_name=COOKIE_NAME,
        httponly=True,
        secure=web_settings.secure,
        samesite="Lax",
        max_age=SESSION_MAX_AGE,
    )


def csrf_token(session: Session) -> str:
    """Return the session's form token, making one the first time."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def origin_of(url: str) -> str:
    """Return ``scheme://host[:port]`` of a URL, as browsers send it in ``Origin``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class RateLimiter:
    """At most ``limit`` requests per ``window`` seconds for each key (a session, else an IP)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Count one request for ``key``; say whether it is within the limit."""
        now = self.clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        if len(self._hits) > 10_000:
            self._forget_idle(now)
        return True

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - 60]:
            del self._hits[key]


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Add the CSP and friends to every answer, errors included."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response


def rate_limit(limiter: RateLimiter) -> Middleware:
    """Return a middleware refusing a session's (or address's) requests over the limit."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/static/"):
            return await handler(request)
        session = await get_session(request)
        sid = session.get("sid")
        allowed = True
        if not isinstance(sid, str):
            # No session yet: the address pays too, so dropping the cookie gains nothing.
            sid = secrets.token_urlsafe(16)
            session["sid"] = sid
            allowed = limiter.allow(f"ip:{request.remote}")
        allowed = limiter.allow(f"sid:{sid}") and allowed
        if not allowed:
            raise web.HTTPTooManyRequests(
                text="Too many requests: wait a minute and try again.",
                headers={"Retry-After": str(int(limiter.window))},
            )
        return await handler(request)

    return middleware


def csrf_protect(public_origin: str) -> Middleware:
    """Return a middleware refusing a change without the session's token or from elsewhere."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method in SAFE_METHODS:
            return await handler(request)
        origin = request.headers.get("Origin", "")
        if origin.lower() != public_origin:
            raise web.HTTPForbidden(text="Refused: this form did not come from the panel.")
        session = await get_session(request)
        expected = session.get(CSRF_FIELD)
        form = await request.post()
        sent = form.get(CSRF_FIELD)
        if (
            not isinstance(expected, str)
            or not isinstance(sent, str)
            or not hmac.compare_digest(expected.encode(), sent.encode())
        ):
            raise web.HTTPForbidden(text="Refused: the form's token is missing or stale.")
        return await handler(request)

    return middleware


def middlewares(web_settings: WebSettings, limiter: RateLimiter) -> list[Middleware]:
    """Return the panel's middlewares, outermost first."""
    return [
        security_headers,
        session_middleware(session_storage(web_settings)),
        rate_limit(limiter),
        csrf_protect(origin_of(web_settings.public_url)),
    ]
