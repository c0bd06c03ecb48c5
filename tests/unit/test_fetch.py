"""bot.ingest.fetch against real HTTP servers on loopback: address rules, redirects, limits."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import logging
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.test_utils import TestServer
from aiohttp.typedefs import Handler

from bot.domain.errors import UserError
from bot.ingest.addresses import AddressRefusedError, VettingResolver, is_public_address
from bot.ingest.fetch import (
    BAD_PORT,
    BAD_REDIRECT_SCHEME,
    BAD_SCHEME,
    CREDENTIALS,
    INVALID_LINK,
    NO_HOST,
    PRIVATE_ADDRESS,
    PRIVATE_REDIRECT,
    USER_AGENT,
    FetchError,
    FetchPolicy,
    fetch_article,
    open_fetch_session,
    timeout_message,
    too_large_message,
)

KIB = 1024
MIB = 1024 * KIB
PAGE_HTML = "<html><head><title>Réactions</title></head><body>Ça marche — ok</body></html>"
PAGE = PAGE_HTML.encode("utf-8")
LATIN = "Crème brûlée".encode("latin-1")
ENDLESS_CAP = 1024 * MIB  # the endless handler gives up here; the client must stop far sooner
BOMB = gzip.compress(b"<p>" + b"\0" * (8 * MIB))


# ---------------------------------------------------------------------------
# is_public_address: table-driven, no network

NOT_PUBLIC = {
    # IPv4
    "127.0.0.1": "loopback",
    "127.255.255.254": "loopback, top of 127/8",
    "10.0.0.1": "private 10/8",
    "10.255.255.255": "private 10/8",
    "172.16.0.1": "private 172.16/12",
    "172.31.255.254": "private 172.16/12",
    "192.168.1.1": "private 192.168/16",
    "169.254.169.254": "link-local: cloud metadata",
    "169.254.0.1": "link-local",
    "100.64.0.1": "carrier-grade NAT",
    "100.127.255.254": "carrier-grade NAT",
    "224.0.0.1": "multicast",
    "239.255.255.250": "multicast (SSDP)",
    "240.0.0.1": "reserved",
    "255.255.255.255": "broadcast",
    "0.0.0.0": "unspecified",  # noqa: S104 - classified, never bound
    "0.1.2.3": "this network 0/8",
    "192.0.0.8": "IETF protocol assignments",
    "192.0.2.10": "documentation TEST-NET-1",
    "198.51.100.10": "documentation TEST-NET-2",
    "203.0.113.10": "documentation TEST-NET-3",
    "198.18.0.1": "benchmarking 198.18/15",
    "198.19.255.254": "benchmarking 198.18/15",
    # IPv6
    "::": "unspecified",
    "::1": "loopback",
    "fe80::1": "link-local",
    "fe80::1%2": "link-local with a scope id",
    "fc00::1": "unique local",
    "fd12:3456:789a::1": "unique local",
    "fec0::1": "deprecated site-local",
    "ff02::1": "multicast, link scope",
    "ff0e::1": "multicast, global scope",
    "2001:db8::1": "documentation",
    "100::1": "discard-only",
    "::ffff:127.0.0.1": "IPv4-mapped loopback",
    "::ffff:10.0.0.1": "IPv4-mapped private",
    "::ffff:169.254.169.254": "IPv4-mapped metadata",
    "::127.0.0.1": "IPv4-compatible loopback",
    "::10.0.0.1": "IPv4-compatible private",
    "2002:7f00:1::1": "6to4 around 127.0.0.1",
    "2002:a00:1::1": "6to4 around 10.0.0.1",
    "2002:a9fe:a9fe::1": "6to4 around 169.254.169.254",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2": "Teredo",
    "64:ff9b::10.0.0.1": "NAT64 around private 10.0.0.1",
    "64:ff9b::127.0.0.1": "NAT64 around loopback",
    "64:ff9b:1::a00:1": "local-use NAT64",
}
PUBLIC = {
    "8.8.8.8": "Google DNS",
    "1.1.1.1": "Cloudflare DNS",
    "93.184.215.14": "example.com",
    "172.32.0.1": "just past 172.16/12",
    "100.128.0.1": "just past 100.64/10",
    "192.169.0.1": "just past 192.168/16",
    "2606:4700:4700::1111": "Cloudflare DNS",
    "2001:4860:4860::8888": "Google DNS",
    "2a00:1450:4001:80b::200e": "a public IPv6",
    "::ffff:8.8.8.8": "IPv4-mapped public, judged by the IPv4",
    "64:ff9b::8.8.8.8": "NAT64 around a public IPv4",
    "2002:808:808::1": "6to4 around 8.8.8.8",
}


@pytest.mark.parametrize(("text", "why"), NOT_PUBLIC.items(), ids=list(NOT_PUBLIC))
def test_non_public_addresses_are_refused(text: str, why: str) -> None:
    assert not is_public_address(ipaddress.ip_address(text)), why


@pytest.mark.parametrize(("text", "why"), PUBLIC.items(), ids=list(PUBLIC))
def test_public_addresses_are_allowed(text: str, why: str) -> None:
    assert is_public_address(ipaddress.ip_address(text)), why


# ---------------------------------------------------------------------------
# Loopback servers


@dataclass
class Site:
    """A test server on loopback and what it saw."""

    server: TestServer
    hits: Counter[str] = field(default_factory=Counter)
    user_agents: list[str] = field(default_factory=list)
    sent: int = 0
    stream_end: asyncio.Future[str] | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def port(self) -> int:
        assert self.server.port is not None
        return self.server.port

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


SITE = web.AppKey("site", Site)


async def page(request: web.Request) -> web.Response:
    return web.Response(body=PAGE, content_type="text/html", charset="utf-8")


async def latin(request: web.Request) -> web.Response:
    return web.Response(body=LATIN, headers={"Content-Type": "text/plain; charset=ISO-8859-1"})


async def xhtml(request: web.Request) -> web.Response:
    return web.Response(body=PAGE, headers={"Content-Type": "application/xhtml+xml"})


async def typed(request: web.Request) -> web.Response:
    return web.Response(body=b"{}", headers={"Content-Type": request.query["type"]})


async def status(request: web.Request) -> web.Response:
    return web.Response(status=int(request.match_info["code"]), text="nope")


async def redirect(request: web.Request) -> web.Response:
    raise web.HTTPFound(location=request.query["to"])


async def chain(request: web.Request) -> web.Response:
    left = int(request.match_info["n"])
    if left == 0:
        return await page(request)
    raise web.HTTPFound(location=str(left - 1))  # relative: /chain/3 -> /chain/2


async def loop(request: web.Request) -> web.Response:
    raise web.HTTPMovedPermanently(location="/loop")


async def gzipped(request: web.Request) -> web.Response:
    body = gzip.compress(PAGE) if request.query.get("bomb") is None else BOMB
    return web.Response(
        body=body, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
    )


async def endless(request: web.Request) -> web.StreamResponse:
    """Stream HTML without Content-Length until the client goes away (or 1 GiB)."""
    site = request.app[SITE]
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    chunk = b"<p>" + b"x" * (64 * KIB - 3)
    outcome = "finished"
    try:
        while site.sent < ENDLESS_CAP:
            await response.write(chunk)
            site.sent += len(chunk)
    except ConnectionError:
        outcome = "disconnected"
    except asyncio.CancelledError:
        outcome = "cancelled"  # TestServer cancels a handler whose client hung up
        raise
    finally:
        if site.stream_end is not None and not site.stream_end.done():
            site.stream_end.set_result(outcome)
    return response


async def declared_huge(request: web.Request) -> web.StreamResponse:
    """Announce 1 GB, send a little, then wait: the client must refuse on the header."""
    site = request.app[SITE]
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    response.content_length = 1_000_000_000
    await response.prepare(request)
    await response.write(b"<p>" * 100)
    site.sent += 300
    outcome = "finished"
    try:
        await asyncio.wait_for(site.release.wait(), 5)
    except asyncio.CancelledError:
        outcome = "cancelled"
        raise
    finally:
        if site.stream_end is not None and not site.stream_end.done():
            site.stream_end.set_result(outcome)
    return response


async def slow_headers(request: web.Request) -> web.Response:
    await asyncio.wait_for(request.app[SITE].release.wait(), 5)
    return await page(request)


async def slow_body(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    for _ in range(50):
        await response.write(b"<p>drip</p>")
        await asyncio.sleep(0.1)
    return response


@web.middleware
async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
    site = request.app[SITE]
    site.hits[request.path] += 1
    site.user_agents.append(request.headers.get("User-Agent", ""))
    response: web.StreamResponse = await handler(request)
    return response


async def start_site(host: str = "127.0.0.1") -> Site:
    app = web.Application(middlewares=[record])
    app.add_routes(
        [
            web.get("/page", page),
            web.get("/latin", latin),
            web.get("/xhtml", xhtml),
            web.get("/typed", typed),
            web.get("/status/{code}", status),
            web.get("/redirect", redirect),
            web.get("/chain/{n}", chain),
            web.get("/loop", loop),
            web.get("/gzip", gzipped),
            web.get("/endless", endless),
            web.get("/declared-huge", declared_huge),
            web.get("/slow-headers", slow_headers),
            web.get("/slow-body", slow_body),
        ]
    )
    server = TestServer(app, host=host)
    site = Site(server)
    app[SITE] = site
    await server.start_server(shutdown_timeout=1.0)
    return site


async def stop_site(site: Site) -> None:
    site.release.set()
    await site.server.close()


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    started = await start_site()
    try:
        yield started
    finally:
        await stop_site(started)


@pytest.fixture
async def trap() -> AsyncIterator[Site]:
    """A second server on 127.0.0.2, which a refused redirect must never reach."""
    started = await start_site("127.0.0.2")
    try:
        yield started
    finally:
        await stop_site(started)


@pytest.fixture(autouse=True)
async def loopback_only(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[list[object]]:
    """Fail any client connection to a non-loopback address, before a packet leaves.

    aiohttp connects through aiohappyeyeballs, which calls ``loop.sock_connect``;
    guarding it means even a regression in bot.ingest.fetch cannot reach 10.0.0.1 or the
    metadata address from these tests. The test then fails on the recorded attempt.
    """
    loop = asyncio.get_running_loop()
    real_connect = loop.sock_connect
    outside: list[object] = []

    async def guarded(sock: socket.socket, address: tuple[object, ...]) -> None:
        if not ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback:
            outside.append(address)
            raise PermissionError(f"test guard: no connections outside loopback ({address})")
        await real_connect(sock, address)

    monkeypatch.setattr(loop, "sock_connect", guarded)
    yield outside
    assert outside == [], "a connection outside loopback was attempted"


ALLOW_LOCAL = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), timeout=5.0)


async def refused(
    url: str, policy: FetchPolicy = ALLOW_LOCAL, *, session: aiohttp.ClientSession | None = None
) -> str:
    with pytest.raises(FetchError) as caught:
        await fetch_article(url, policy, session=session)
    assert isinstance(caught.value, UserError)
    assert "\n" not in caught.value.message
    return caught.value.message


# ---------------------------------------------------------------------------
# Fetching allowed pages


async def test_page_on_allowed_ip_is_fetched(site: Site) -> None:
    fetched = await fetch_article(site.url("/page#section"), ALLOW_LOCAL)

    assert fetched.body == PAGE
    assert fetched.content_type == "text/html"
    assert fetched.charset == "utf-8"
    assert fetched.url == site.url("/page")  # fragment stripped
    assert site.user_agents == [USER_AGENT]
    assert "ReactionReel" in USER_AGENT


async def test_page_on_allowed_localhost_name_is_fetched(site: Site) -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"LOCALHOST"}), timeout=5.0)  # normalised
    fetched = await fetch_article(site.url("/latin", host="localhost"), policy)

    assert fetched.body == LATIN
    assert fetched.content_type == "text/plain"
    assert fetched.charset == "ISO-8859-1"


async def test_xhtml_is_treated_as_html_and_missing_charset_is_none(site: Site) -> None:
    fetched = await fetch_article(site.url("/xhtml"), ALLOW_LOCAL)

    assert fetched.content_type == "text/html"
    assert fetched.charset is None


async def test_gzip_page_is_decompressed(site: Site) -> None:
    fetched = await fetch_article(site.url("/gzip"), ALLOW_LOCAL)

    assert fetched.body == PAGE


# ---------------------------------------------------------------------------
# The private-address rule


async def test_loopback_without_allowance_is_refused(site: Site) -> None:
    assert await refused(site.url("/page"), FetchPolicy(timeout=5.0)) == PRIVATE_ADDRESS
    assert site.hits["/page"] == 0


async def test_localhost_name_without_allowance_is_refused_by_the_resolver(site: Site) -> None:
    # "localhost" is a name, so the refusal comes from VettingResolver at connect time.
    message = await refused(site.url("/page", host="localhost"), FetchPolicy(timeout=5.0))

    assert message == PRIVATE_ADDRESS
    assert site.hits["/page"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://[fe80::1%25eth0]/",
    ],
)
async def test_private_literals_are_refused_before_connecting(url: str) -> None:
    # No server exists at these addresses: the refusal must come before any connect.
    assert await refused(url, FetchPolicy(timeout=5.0)) == PRIVATE_ADDRESS


@pytest.mark.parametrize("host", ["2130706433", "127.1", "0x7f.0.0.1", "127.0.0.1."])
async def test_non_canonical_numeric_hosts_are_refused(host: str) -> None:
    assert await refused(f"http://{host}/", FetchPolicy(timeout=5.0)) == INVALID_LINK


# ---------------------------------------------------------------------------
# Redirects


async def test_redirect_to_unallowed_loopback_is_refused_and_never_reaches_it(
    site: Site, trap: Site
) -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"localhost"}), timeout=5.0)
    start = site.url("/redirect?to=" + trap.url("/page", host="127.0.0.2"), host="localhost")

    assert await refused(start, policy) == PRIVATE_REDIRECT
    assert site.hits["/redirect"] == 1
    assert sum(trap.hits.values()) == 0


@pytest.mark.parametrize(
    "target", ["http://[::1]:9/", "http://10.0.0.1/", "http://169.254.169.254/latest/"]
)
async def test_redirect_to_private_literal_is_refused(site: Site, target: str) -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"localhost"}), timeout=5.0)

    message = await refused(site.url(f"/redirect?to={target}", host="localhost"), policy)

    assert message == PRIVATE_REDIRECT


async def test_redirect_to_unallowed_name_is_refused_by_the_resolver(site: Site) -> None:
    start = site.url("/redirect?to=" + site.url("/page", host="localhost"))

    assert await refused(start) == PRIVATE_REDIRECT
    assert site.hits["/page"] == 0


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("ftp://127.0.0.1/file", BAD_REDIRECT_SCHEME),
        ("file:///etc/passwd", BAD_REDIRECT_SCHEME),
        ("http://user:secret@127.0.0.1/page", CREDENTIALS),
    ],
)
async def test_redirect_to_bad_link_is_refused(site: Site, target: str, expected: str) -> None:
    assert await refused(site.url(f"/redirect?to={target}")) == expected


async def test_relative_redirects_are_followed(site: Site) -> None:
    fetched = await fetch_article(site.url("/redirect?to=/chain/1"), ALLOW_LOCAL)

    assert fetched.body == PAGE
    assert fetched.url == site.url("/chain/0")


async def test_five_redirects_are_followed(site: Site) -> None:
    fetched = await fetch_article(site.url("/chain/5"), ALLOW_LOCAL)

    assert fetched.body == PAGE
    assert site.hits == Counter({f"/chain/{n}": 1 for n in range(6)})


async def test_six_redirects_are_refused(site: Site) -> None:
    assert await refused(site.url("/chain/6")) == "The page redirected more than 5 times."
    assert site.hits["/chain/0"] == 0


async def test_redirect_loop_is_refused(site: Site) -> None:
    assert await refused(site.url("/loop")) == "The page redirected more than 5 times."
    assert site.hits["/loop"] == 6


# ---------------------------------------------------------------------------
# Size and time limits


async def test_endless_body_is_cut_at_the_limit(site: Site) -> None:
    site.stream_end = asyncio.get_running_loop().create_future()
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), max_bytes=256 * KIB, timeout=5.0)

    assert await refused(site.url("/endless"), policy) == "The page is larger than 256 KB."

    # The server's write loop ends because the client hung up, long before its 1 GiB
    # cap. What it managed to write is the client's 256 KB plus whatever the loopback
    # socket buffers absorbed before the close: a few MB at most.
    assert await asyncio.wait_for(site.stream_end, 5) in {"disconnected", "cancelled"}
    assert site.sent < 64 * MIB


async def test_declared_length_past_the_limit_is_refused_before_reading(site: Site) -> None:
    site.stream_end = asyncio.get_running_loop().create_future()
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), max_bytes=MIB, timeout=4.0)

    # The size message, not the 4 s timeout's: refused on the header, since the site
    # sends 300 bytes and then nothing until it gives up after 5 s.
    assert await refused(site.url("/declared-huge"), policy) == "The page is larger than 1 MB."

    assert await asyncio.wait_for(site.stream_end, 3) == "cancelled"  # the client hung up


async def test_gzip_bomb_is_stopped_at_the_decompressed_limit(site: Site) -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), max_bytes=MIB, timeout=5.0)
    assert len(BOMB) < 64 * KIB  # on the wire it is far under the limit

    assert await refused(site.url("/gzip?bomb=1"), policy) == "The page is larger than 1 MB."


def test_default_policy_and_its_messages() -> None:
    policy = FetchPolicy()
    assert (policy.allow_hosts, policy.max_bytes, policy.timeout, policy.max_redirects) == (
        frozenset(),
        5 * MIB,
        15.0,
        5,
    )
    assert too_large_message(policy) == "The page is larger than 5 MB."
    assert timeout_message(policy) == "The site took longer than 15 s to answer."


@pytest.mark.parametrize("path", ["/slow-headers", "/slow-body"])
async def test_slow_site_hits_the_time_limit(site: Site, path: str) -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), timeout=0.5)
    started = time.monotonic()

    assert await refused(site.url(path), policy) == "The site took longer than 0.5 s to answer."

    # Cut at the limit, well before the site would have finished (after 5 s).
    assert time.monotonic() - started < 4


async def test_time_limit_covers_all_redirects(site: Site) -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), timeout=0.5)

    message = await refused(site.url("/redirect?to=/slow-headers"), policy)

    assert message == "The site took longer than 0.5 s to answer."


# ---------------------------------------------------------------------------
# Content type and status


@pytest.mark.parametrize(
    ("media_type", "expected"),
    [
        ("image/png", "That's an image/png file, not an article page."),
        ("application/json", "That's an application/json file, not an article page."),
        ("text/css", "That's a text/css file, not an article page."),
        (
            "application/octet-stream",
            "That's an application/octet-stream file, not an article page.",
        ),
    ],
)
async def test_wrong_content_type_is_refused(site: Site, media_type: str, expected: str) -> None:
    assert await refused(site.url(f"/typed?type={media_type}")) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (404, "The site answered 404 Not Found."),
        (500, "The site answered 500 Internal Server Error."),
        (403, "The site answered 403 Forbidden."),
    ],
)
async def test_error_status_is_refused(site: Site, code: int, expected: str) -> None:
    assert await refused(site.url(f"/status/{code}")) == expected


# ---------------------------------------------------------------------------
# URL checks (all refused before any connection)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://example.com/article", BAD_SCHEME),
        ("file:///etc/passwd", BAD_SCHEME),
        ("javascript:alert(1)", BAD_SCHEME),
        ("example.com/article", BAD_SCHEME),
        ("http://user:secret@example.com/article", CREDENTIALS),
        ("https://user@example.com/article", CREDENTIALS),
        ("http://:secret@example.com/article", CREDENTIALS),
        ("http:///article", NO_HOST),
        ("http://example.com:0/article", BAD_PORT),
        ("http://example.com:70000/article", BAD_PORT),
        ("http://[::1/article", INVALID_LINK),
    ],
)
async def test_bad_urls_are_refused(url: str, expected: str) -> None:
    assert await refused(url, FetchPolicy(timeout=5.0)) == expected


async def test_refusals_are_logged_without_credentials(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.ingest.fetch")

    await refused("http://moderator:hunter2@127.0.0.1:1/page")
    await refused(site.url("/status/404"))

    records = [r for r in caplog.records if r.name == "bot.ingest.fetch"]
    assert [r.levelno for r in records] == [logging.WARNING, logging.WARNING]
    assert "127.0.0.1:1/page" in records[0].getMessage()
    assert "hunter2" not in caplog.text
    assert "moderator" not in caplog.text
    assert site.url("/status/404") in records[1].getMessage()


async def test_connection_refused_is_one_clear_line() -> None:
    with socket.socket() as probe:  # find a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert await refused(f"http://127.0.0.1:{port}/") == "I couldn't connect to 127.0.0.1."


async def test_tls_to_a_plain_http_server_is_one_clear_line(site: Site) -> None:
    url = f"https://127.0.0.1:{site.port}/page"

    message = await refused(url)

    assert message == "I couldn't set up a secure (TLS) connection to 127.0.0.1."


# ---------------------------------------------------------------------------
# VettingResolver, driven directly with a fake inner resolver


class FakeResolver(AbstractResolver):
    """Answers from a table; a name missing from it fails like a DNS miss."""

    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        self.table = table
        self.asked: list[str] = []
        self.closed = False

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=socket.IPPROTO_TCP,
                flags=0,
            )
            for address in self.table[host]
        ]

    async def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(
    "addresses",
    [
        ["127.0.0.1"],
        ["169.254.169.254"],
        ["10.1.2.3"],
        ["::ffff:192.168.0.1"],
        ["fe80::1%1"],
        ["not-an-address"],
    ],
)
async def test_resolver_refuses_a_public_name_that_resolves_privately(
    addresses: list[str],
) -> None:
    resolver = VettingResolver(inner=FakeResolver({"news.example": addresses}))

    with pytest.raises(AddressRefusedError):
        await resolver.resolve("news.example", 80, socket.AF_UNSPEC)


async def test_resolver_refuses_mixed_public_and_private_answers_whole() -> None:
    # Chosen behaviour: one non-public address refuses the name (a rebinding setup
    # often answers with both); dropping the bad ones would also be safe.
    inner = FakeResolver({"news.example": ["93.184.215.14", "10.0.0.7"]})

    with pytest.raises(AddressRefusedError):
        await VettingResolver(inner=inner).resolve("news.example", 443)


async def test_resolver_hands_on_public_answers() -> None:
    inner = FakeResolver({"news.example": ["93.184.215.14", "2606:4700:4700::1111"]})

    results = await VettingResolver(inner=inner).resolve("news.example", 443, socket.AF_UNSPEC)

    assert [(r["host"], r["port"], r["family"]) for r in results] == [
        ("93.184.215.14", 443, socket.AF_INET),
        ("2606:4700:4700::1111", 443, socket.AF_INET6),
    ]


async def test_resolver_passes_allowed_hosts_and_closes_inner() -> None:
    inner = FakeResolver({"intranet.example": ["10.0.0.7"]})
    resolver = VettingResolver(frozenset({"intranet.example"}), inner)

    results = await resolver.resolve("intranet.example", 80)
    await resolver.close()

    assert [r["host"] for r in results] == ["10.0.0.7"]
    assert inner.closed


async def test_resolver_lets_dns_failures_through() -> None:
    with pytest.raises(socket.gaierror):
        await VettingResolver(inner=FakeResolver({})).resolve("nowhere.example", 80)


# ---------------------------------------------------------------------------
# VettingResolver inside a real fetch: the connection goes where it says


async def test_rebinding_name_is_refused_in_a_real_fetch(site: Site) -> None:
    inner = FakeResolver({"news.example": ["127.0.0.1"]})
    policy = FetchPolicy(timeout=5.0)
    async with open_fetch_session(policy, inner_resolver=inner) as session:
        message = await refused(f"http://news.example:{site.port}/page", policy, session=session)

    assert message == PRIVATE_ADDRESS
    assert inner.asked == ["news.example"]
    assert site.hits["/page"] == 0


async def test_connection_goes_to_the_address_the_resolver_vetted(site: Site) -> None:
    # news.example exists nowhere but in the fake table: reaching the loopback site
    # proves aiohttp connected to the resolver's answer and did no lookup of its own.
    inner = FakeResolver({"news.example": ["127.0.0.1"]})
    policy = FetchPolicy(allow_hosts=frozenset({"news.example"}), timeout=5.0)
    async with open_fetch_session(policy, inner_resolver=inner) as session:
        fetched = await fetch_article(
            f"http://news.example:{site.port}/page", policy, session=session
        )

    assert fetched.body == PAGE
    assert site.hits["/page"] == 1


async def test_dns_failure_is_one_clear_line() -> None:
    policy = FetchPolicy(timeout=5.0)
    async with open_fetch_session(policy, inner_resolver=FakeResolver({})) as session:
        message = await refused("http://nowhere.example/", policy, session=session)

    assert message == "I couldn't find the site nowhere.example; check the link."


async def test_foreign_or_mismatched_sessions_are_rejected() -> None:
    policy = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}))
    async with aiohttp.ClientSession() as plain, open_fetch_session() as other:
        for session in (plain, other):
            with pytest.raises(ValueError, match="open_fetch_session"):
                await fetch_article("http://127.0.0.1:1/", policy, session=session)


def test_policy_is_checked_and_normalised() -> None:
    policy = FetchPolicy(allow_hosts=frozenset({" Localhost ", "[::1]", "", "Bücher.example"}))
    assert policy.allow_hosts == frozenset({"localhost", "::1", "xn--bcher-kva.example"})
    with pytest.raises(ValueError, match="max_bytes"):
        FetchPolicy(max_bytes=0)
    with pytest.raises(ValueError, match="timeout"):
        FetchPolicy(timeout=0)
    with pytest.raises(ValueError, match="max_redirects"):
        FetchPolicy(max_redirects=-1)
