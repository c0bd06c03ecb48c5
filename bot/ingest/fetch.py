"""Safe download of article URLs chosen by moderators: public addresses, bounded size and time."""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final

import aiohttp
from aiohttp import hdrs
from aiohttp.abc import AbstractResolver
from yarl import URL

from bot import __version__
from bot.domain.errors import UserError
from bot.ingest.addresses import (
    AddressRefusedError,
    VettingResolver,
    host_allowed,
    is_public_address,
    normal_host,
    parse_address,
)

log = logging.getLogger(__name__)

USER_AGENT: Final = (
    f"ReactionReel/{__version__} (Discord bot; fetches article pages picked by server moderators)"
)
_ACCEPT: Final = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8"

# Media types read as articles, and the kind each one is handed on as.
_ARTICLE_TYPES: Final = {
    "text/html": "text/html",
    "application/xhtml+xml": "text/html",
    "text/plain": "text/plain",
}
_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
_CHUNK: Final = 64 * 1024

PRIVATE_ADDRESS: Final = "That address points inside a private network, so I won't fetch it."
PRIVATE_REDIRECT: Final = (
    "That page redirects to an address inside a private network, so I won't follow it."
)
BAD_SCHEME: Final = "Only http:// and https:// links can be fetched."
BAD_REDIRECT_SCHEME: Final = "That page redirects to a link that is not http:// or https://."
CREDENTIALS: Final = "Links with a user name or password in them are not fetched."
NO_HOST: Final = "That link has no site name in it."
BAD_PORT: Final = "That link's port number is out of range (1–65535)."
INVALID_LINK: Final = "That doesn't look like a valid link."
INVALID_REDIRECT: Final = "That page redirects to a link that isn't valid."
EMPTY_REDIRECT: Final = "The site sent a redirect without saying where to."
NO_CONTENT_TYPE: Final = "The site didn't say what kind of file that is, so I won't read it."
BROKEN_ANSWER: Final = "The site broke off the connection or sent a malformed answer."
FAILED: Final = "The download failed."


class FetchError(UserError):
    """A page could not or would not be fetched; ``message`` is one line for the moderator."""


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A downloaded article page, ready for the parser."""

    url: str  # final URL after redirects
    body: bytes
    content_type: str  # "text/html" or "text/plain"
    charset: str | None  # from the Content-Type header, if any


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits of a fetch; ``allow_hosts`` (FETCH_ALLOW_HOSTS) may be private, matched exactly."""

    allow_hosts: frozenset[str] = frozenset()
    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 15.0  # whole request, all redirects included
    max_redirects: int = 5

    def __post_init__(self) -> None:
        """Normalise the host names (lower case, IDNA, no IPv6 brackets) and check the limits."""
        hosts = frozenset(
            normal_host(host.strip().removeprefix("[").removesuffix("]"))
            for host in self.allow_hosts
            if host.strip()
        )
        object.__setattr__(self, "allow_hosts", hosts)
        if self.max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if not self.timeout > 0:
            raise ValueError("timeout must be positive")
        if self.max_redirects < 0:
            raise ValueError("max_redirects must not be negative")


# ---------------------------------------------------------------------------
# Address classification

_SESSION_HOSTS: weakref.WeakKeyDictionary[aiohttp.ClientSession, frozenset[str]] = (
    weakref.WeakKeyDictionary()
)


def open_fetch_session(
    policy: FetchPolicy = FetchPolicy(), *, inner_resolver: AbstractResolver | None = None
) -> aiohttp.ClientSession:
    """Open a session whose every connection goes through a VettingResolver for ``policy``.

    Call it inside a running event loop and close the session when done. Only such
    sessions are accepted by :func:`fetch_article`.
    """
    connector = aiohttp.TCPConnector(
        resolver=VettingResolver(policy.allow_hosts, inner_resolver),
        use_dns_cache=False,
        limit_per_host=4,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        headers={hdrs.USER_AGENT: USER_AGENT, hdrs.ACCEPT: _ACCEPT},
        timeout=aiohttp.ClientTimeout(total=policy.timeout),
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,  # no proxy from the environment: it would resolve names itself
        auto_decompress=True,
    )
    _SESSION_HOSTS[session] = policy.allow_hosts
    return session


# ---------------------------------------------------------------------------
# Messages and logging

_USERINFO = re.compile(r"(?<=//)[^/?#@]*@")
_UNSAFE = re.compile(r"[^\x21-\x7e]")
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+", re.IGNORECASE)


def _loggable(url: URL | str) -> str:
    """Render a URL for the log without user name, password or fragment, bounded."""
    text = str(url)
    if isinstance(url, URL):
        try:
            text = str(url.with_user(None).with_fragment(None))
        except ValueError:
            text = _USERINFO.sub("", text)
    else:
        text = _USERINFO.sub("", text)
    return text[:300]


def _shown(text: str, limit: int = 80) -> str:
    """Make server- or user-supplied text safe for a one-line Discord message."""
    cleaned = _UNSAFE.sub("", text).replace("`", "")
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _size(n: int) -> str:
    """Spell a byte count the way a moderator reads it (5 MB, 256 KB, 100 bytes)."""
    mib, kib = 1024 * 1024, 1024
    if n >= mib:
        return f"{n // mib} MB" if n % mib == 0 else f"{n / mib:.1f} MB"
    if n >= kib:
        return f"{n // kib} KB" if n % kib == 0 else f"{n / kib:.1f} KB"
    return f"{n} bytes"


def too_large_message(policy: FetchPolicy) -> str:
    """Return the refusal for a body past ``policy.max_bytes``."""
    return f"The page is larger than {_size(policy.max_bytes)}."


def timeout_message(policy: FetchPolicy) -> str:
    """Return the refusal for a fetch that ran past ``policy.timeout``."""
    return f"The site took longer than {policy.timeout:g} s to answer."


def _refuse(url: URL | str, message: str, detail: object = None) -> FetchError:
    """Log a refusal at WARNING (URL without credentials) and return its FetchError."""
    if detail is None:
        log.warning("Refused to fetch %r: %s", _loggable(url), message)
    else:
        log.warning("Refused to fetch %r: %s [%s]", _loggable(url), message, detail)
    return FetchError(message)


# ---------------------------------------------------------------------------
# URL checks


def _check_url(raw: str | URL, policy: FetchPolicy, *, redirect: bool = False) -> URL:
    """Return ``raw`` as a URL fit to request (fragment dropped), or raise FetchError."""
    try:
        url = URL(raw) if isinstance(raw, str) else raw
    except (ValueError, TypeError) as exc:
        if "port" in str(exc).lower():
            raise _refuse(raw, BAD_PORT, exc) from None
        raise _refuse(raw, INVALID_REDIRECT if redirect else INVALID_LINK, exc) from None
    if url.scheme not in ("http", "https"):
        raise _refuse(url, BAD_REDIRECT_SCHEME if redirect else BAD_SCHEME)
    if url.raw_user is not None or url.raw_password is not None or "@" in url.raw_authority:
        raise _refuse(url, CREDENTIALS)
    host = url.host
    if not host:
        raise _refuse(url, NO_HOST)
    port = url.explicit_port
    if port is not None and not 1 <= port <= 65535:
        raise _refuse(url, BAD_PORT)
    url = url.with_fragment(None)
    address = parse_address(host)
    if address is None:
        # Hosts that look numeric but are not canonical (2130706433, 127.1, 0x7f.1)
        # would be read as IPv4 by some resolvers: refuse them outright.
        last_label = host.rstrip(".").rsplit(".", 1)[-1]
        if ":" in host or _NUMERIC_LABEL.fullmatch(last_label):
            raise _refuse(url, INVALID_REDIRECT if redirect else INVALID_LINK)
        return url  # a name: the VettingResolver checks what it resolves to
    if not host_allowed(policy.allow_hosts, host, url.raw_host) and not is_public_address(address):
        raise _refuse(url, PRIVATE_REDIRECT if redirect else PRIVATE_ADDRESS)
    return url


# ---------------------------------------------------------------------------
# Fetching


class _Trail:
    """Where the fetch currently is, for messages and logs."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self.redirected = False


def _status_message(response: aiohttp.ClientResponse) -> str:
    """Return "The site answered 404 Not Found." for a refused status."""
    try:
        phrase = HTTPStatus(response.status).phrase
    except ValueError:
        phrase = _shown(response.reason or "", 40)
    return f"The site answered {response.status} {phrase}".rstrip() + "."


def _type_message(media_type: str) -> str:
    """Return "That's an image/png file, not an article page." for a refused type."""
    shown = _shown(media_type, 60)
    article = "an" if shown[:1].lower() in ("a", "e", "i", "o", "u") else "a"
    return f"That's {article} {shown} file, not an article page."


def _error_message(exc: BaseException, trail: _Trail) -> str:
    """Turn an aiohttp or socket error into one line for the moderator."""
    host = _shown(trail.url.host or "the site")
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        if isinstance(exc.os_error, AddressRefusedError):
            return PRIVATE_REDIRECT if trail.redirected else PRIVATE_ADDRESS
        return f"I couldn't find the site {host}; check the link."
    if isinstance(exc, aiohttp.ClientSSLError):
        return f"I couldn't set up a secure (TLS) connection to {host}."
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"I couldn't connect to {host}."
    if isinstance(exc, aiohttp.InvalidURL):
        return INVALID_REDIRECT if trail.redirected else INVALID_LINK
    if isinstance(
        exc,
        aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError | aiohttp.ClientResponseError,
    ):
        return BROKEN_ANSWER
    if isinstance(exc, aiohttp.ClientConnectionError | OSError):
        return f"The connection to {host} failed."
    return FAILED


async def _read_page(
    response: aiohttp.ClientResponse, trail: _Trail, policy: FetchPolicy
) -> FetchedPage:
    """Check status, type and size of a final response and read its (decompressed) body."""
    if not 200 <= response.status < 300:
        raise _refuse(trail.url, _status_message(response))
    if hdrs.CONTENT_TYPE not in response.headers:
        raise _refuse(trail.url, NO_CONTENT_TYPE)
    kind = _ARTICLE_TYPES.get(response.content_type)
    if kind is None:
        raise _refuse(trail.url, _type_message(response.content_type))
    try:
        declared = response.content_length
    except ValueError:
        declared = None
    if declared is not None and declared > policy.max_bytes:
        response.close()
        raise _refuse(trail.url, too_large_message(policy), f"Content-Length {declared}")
    chunks: list[bytes] = []
    received = 0
    # Counted after aiohttp's decompression, so a small gzip bomb stops here too.
    async for chunk in response.content.iter_chunked(_CHUNK):
        received += len(chunk)
        if received > policy.max_bytes:
            response.close()  # drop the connection instead of draining the rest
            raise _refuse(trail.url, too_large_message(policy), f"over {received} bytes")
        chunks.append(chunk)
    charset = (response.charset or "").strip() or None
    return FetchedPage(
        url=str(trail.url), body=b"".join(chunks), content_type=kind, charset=charset
    )


async def _follow(
    session: aiohttp.ClientSession, trail: _Trail, policy: FetchPolicy
) -> FetchedPage:
    """Request ``trail.url``, following up to ``policy.max_redirects`` redirects by hand."""
    redirects = 0
    while True:
        try:
            async with session.get(trail.url, allow_redirects=False) as response:
                if response.status not in _REDIRECT_STATUSES:
                    return await _read_page(response, trail, policy)
                location = response.headers.get(hdrs.LOCATION, "").strip()
                if not location:
                    raise _refuse(trail.url, EMPTY_REDIRECT)
                if redirects >= policy.max_redirects:
                    raise _refuse(
                        trail.url, f"The page redirected more than {policy.max_redirects} times."
                    )
                try:
                    target: str | URL = trail.url.join(URL(location))
                except ValueError:
                    target = location
                next_url = _check_url(target, policy, redirect=True)
        except (FetchError, TimeoutError):
            raise
        except (aiohttp.ClientError, OSError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
            if isinstance(exc, aiohttp.ClientConnectorError):
                detail += f" ({exc.os_error!r})"
            raise _refuse(trail.url, _error_message(exc, trail), detail) from None
        log.info("Following redirect from %r to %r", _loggable(trail.url), _loggable(next_url))
        redirects += 1
        trail.url = next_url
        trail.redirected = True


async def fetch_article(
    url: str,
    policy: FetchPolicy = FetchPolicy(),
    *,
    session: aiohttp.ClientSession | None = None,
) -> FetchedPage:
    """Download an article page at ``url`` under ``policy``, or raise FetchError.

    Only http(s) pages on public addresses (or hosts in ``policy.allow_hosts``)
    are fetched, redirects are followed by hand and re-checked, and the whole
    fetch is bounded in time and in (decompressed) size. A ``session``, if given,
    must come from :func:`open_fetch_session` with the same ``allow_hosts``.
    """
    trail = _Trail(_check_url(url.strip(), policy))
    if session is not None and _SESSION_HOSTS.get(session) != policy.allow_hosts:
        raise ValueError("session must come from open_fetch_session() with the same allow_hosts")
    owned = session is None
    active = open_fetch_session(policy) if session is None else session
    try:
        async with asyncio.timeout(policy.timeout):
            return await _follow(active, trail, policy)
    except TimeoutError:
        raise _refuse(trail.url, timeout_message(policy)) from None
    finally:
        if owned:
            await active.close()
