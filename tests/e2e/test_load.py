"""Load on the real bot: 200 concurrent slash commands against 100,000 reactions, also while
a 2 MB article is ingested, and the per-member cooldown that keeps one member from flooding.

The database is built before the bot starts, through the store's own ingest (about 2 s).
Larger forms: ``REEL_LOAD_MOVIES`` (default 200, of 500 reactions each) and
``REEL_LOAD_BURST`` (default 200 interactions per burst).
The bot runs at LOG_LEVEL=INFO, as in production: at DEBUG discord.py logs every gateway
payload, which is the test's cost, not the bot's. Timings are logged by this module; see
them with ``pytest tests/e2e/test_load.py -o log_cli=true --log-cli-level=INFO``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.domain.models import Article, MovieRef, Reaction
from bot.store import open_sqlite_store
from tests.e2e.fake_discord import (
    BotProcess,
    FakeDiscord,
    Guild,
    InteractionHandle,
    Member,
    Upload,
)
from tests.e2e.fake_discord.recorder import Call
from tests.e2e.helpers import EPHEMERAL, interaction_data

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]
log = logging.getLogger(__name__)

MOVIES = int(os.environ.get("REEL_LOAD_MOVIES", "200"))
PER_MOVIE = 500  # 200 x 500 = 100,000 reactions
BURST = int(os.environ.get("REEL_LOAD_BURST", "200"))
DEADLINE = 3.0  # Discord's window to acknowledge an interaction
# While the article is parsed, !ping keeps being answered one after another: at least one
# answer per PING_GAP seconds of parsing, and at least MIN_PINGS. A loaded machine keeps
# that (an answer takes tens of ms there); a parse on the event loop answers one at most.
PING_GAP = 0.2
MIN_PINGS = 3
ARTICLE_BYTES = 2 * 1024 * 1024
WORDS = ["great", "film", "acting", "score", "director", "plot", "twist", "cinema", "loved"]
EDIT_ORIGINAL = "PATCH /webhooks/{app}/{token}/messages/@original"


def movie_title(n: int) -> str:
    return f"Load Movie {n % MOVIES:03d}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def load_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a 100,000-reaction database: 200 movies of 500 reactions, one article each."""
    path = tmp_path_factory.mktemp("load") / "reel.db"
    started = time.perf_counter()
    store = await open_sqlite_store(path)
    rng = random.Random(7)
    for m in range(MOVIES):
        reactions = tuple(
            Reaction(
                platform="twitter",
                text=f"{' '.join(rng.choices(WORDS, k=12))} (post {m}-{i})",
                author_name=f"Person {i}",
                handle=f"user{m}_{i}",
                date="2024-01-02",
            )
            for i in range(PER_MOVIE)
        )
        title = movie_title(m)
        movie = MovieRef.from_title(title)
        article = Article(f"{title} reactions", movie, True, None, None, reactions)
        await store.ingest_article(article, content_hash=f"load-{m}")
    counts = await store.counts()
    await store.close()
    assert counts.reactions == MOVIES * PER_MOVIE
    log.info("built %d reactions in %.2f s", counts.reactions, time.perf_counter() - started)
    return path


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fans(fake_discord: FakeDiscord, guild: Guild) -> list[Member]:
    """One member per interaction of a burst: the default cooldown (5 in 10 s) stays on."""
    return [fake_discord.world.add_member(guild, f"fan{n}") for n in range(BURST)]


@pytest.fixture(scope="module")
def bot_env(load_database: Path, fans: list[Member]) -> dict[str, str]:
    return {"DATABASE_PATH": str(load_database), "LOG_LEVEL": "INFO", "COMMAND_COOLDOWN": "5/10"}


def big_article(movie: str, target: int = ARTICLE_BYTES) -> bytes:
    """A 2 MB HTML article, dense with markup: 400 embedded posts among 50,000 paragraphs.

    Parsing it takes about half a second in one process here, time for dozens of !ping
    answers, so an ingest that parsed on the event loop would fail the ping probe.
    """
    parts = [f"<!doctype html><html><head><title>Fans react to '{movie}'</title></head><body>"]
    size = n = 0
    while size < target:
        if n % 50 == 0 and n < 20_000:
            block = (
                f'<blockquote class="twitter-tweet"><p lang="en">Post {n} about {movie}, what a '
                f"ride</p>&mdash; Fan {n} (@fan{n}) "
                f'<a href="https://twitter.com/fan{n}/status/{1000 + n}">May 3, 2024</a>'
                "</blockquote>\n"
            )
        else:
            block = f"<p><i>w{n}</i> <b>x</b> <a href='/{n}'>y</a></p>\n"
        parts.append(block)
        size += len(block.encode())
        n += 1
    return "".join([*parts, "</body></html>"]).encode()


def latency(call: Call, handle: InteractionHandle) -> float:
    return call.at - handle.record.dispatched_at


async def deferred_answer(fake: FakeDiscord, handle: InteractionHandle) -> dict[str, Any]:
    """Return the message a deferred interaction's (successful) @original edit filled in."""
    app = fake.world.application_id
    path = f"/webhooks/{app}/{handle.token}/messages/@original"
    # Deferred work queues behind the rest of a burst on the bot's one SQLite connection:
    # about 4 s for 40 searches here, over 30 s on a loaded 2-core machine. Discord allows
    # 15 minutes; the deadline that matters (3 s to defer) is asserted by the callers.
    edit = await fake.driver.wait_for(
        lambda call: call.ok and call.method == "PATCH" and call.path == path,
        since=handle.mark,
        timeout=90,
    )
    return dict(edit.json)


def summary(latencies: Sequence[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    median = statistics.median(ordered)
    return f"max {ordered[-1]:.3f} s, p95 {p95:.3f} s, median {median:.3f} s"


async def reactions_burst(
    fake: FakeDiscord, fans: list[Member], offset: int = 0
) -> tuple[list[InteractionHandle], list[Call]]:
    """Fire one /reactions per fan at once; return the interactions and their callbacks."""
    driver = fake.driver
    handles = await asyncio.gather(
        *(
            driver.slash("reactions", {"movie": movie_title(n + offset), "page": 1 + n % 100}, fan)
            for n, fan in enumerate(fans)
        )
    )
    callbacks = await asyncio.gather(*(handle.callback(timeout=20) for handle in handles))
    return list(handles), list(callbacks)


async def assert_pages(
    fake: FakeDiscord, handles: list[InteractionHandle], callbacks: list[Call], offset: int = 0
) -> None:
    """Every interaction got its own page, whether answered at once or after deferring."""
    for n, (handle, callback) in enumerate(zip(handles, callbacks, strict=True)):
        assert callback.json["type"] in (4, 5), callback.json
        if callback.json["type"] == 5:
            data = await deferred_answer(fake, handle)
        else:
            data = interaction_data(callback.json)
        page = 1 + n % 100
        first, last = (page - 1) * 5 + 1, page * 5
        title = movie_title(n + offset)
        assert data["content"] == f"**{title}** — reactions {first}–{last} of {PER_MOVIE}", data
        assert len(data["embeds"]) == 5
        assert not (data.get("flags") or 0) & EPHEMERAL


async def test_200_concurrent_reactions_are_answered_within_3_s(
    fake_discord: FakeDiscord, guild: Guild, fans: list[Member], bot_process: BotProcess
) -> None:
    log_start = bot_process.log_size()
    handles, callbacks = await reactions_burst(fake_discord, fans)
    latencies = [latency(c, h) for c, h in zip(callbacks, handles, strict=True)]
    log.info("%d /reactions on %d reactions: %s", BURST, MOVIES * PER_MOVIE, summary(latencies))
    assert max(latencies) < DEADLINE, summary(latencies)
    assert fake_discord.expired == []
    await assert_pages(fake_discord, handles, callbacks)
    assert " ERROR " not in bot_process.log_text(log_start)


async def test_a_burst_of_searches_is_answered_in_time_and_once(
    fake_discord: FakeDiscord, guild: Guild, fans: list[Member], bot_process: BotProcess
) -> None:
    # 40 searches of common words at once, one at a time on the bot's one connection. A
    # search counts at most 1,001 matches (issue 15), so this burst no longer has to be
    # deferred; any that is (a loaded machine) is answered by editing its "thinking…".
    # Deferring slow work is tested with a deliberately slow bot (test_discord_deadlines),
    # a 429 on that edit in test_faults.
    driver = fake_discord.driver
    since = driver.mark()
    askers = fans[:40]
    handles = await asyncio.gather(
        *(driver.slash("search", {"text": WORDS[n % 4]}, fan) for n, fan in enumerate(askers))
    )
    callbacks = await asyncio.gather(*(handle.callback(timeout=20) for handle in handles))
    latencies = [latency(c, h) for c, h in zip(callbacks, handles, strict=True)]
    deferred = [h for c, h in zip(callbacks, handles, strict=True) if c.json["type"] == 5]
    log.info("40 /search: %s, %d deferred", summary(latencies), len(deferred))
    assert max(latencies) < DEADLINE, summary(latencies)
    for n, (handle, callback) in enumerate(zip(handles, callbacks, strict=True)):
        if callback.json["type"] == 5:
            data = await deferred_answer(fake_discord, handle)
        else:
            data = interaction_data(callback.json)
        assert data["content"].startswith(f"Reactions matching “{WORDS[n % 4]}” — 1–5 of ")
    edits = driver.calls(EDIT_ORIGINAL, since=since)
    assert sorted(call.status for call in edits) == [200] * len(deferred)
    assert fake_discord.expired == []


Hook = Callable[[], Awaitable[None]]


async def nothing() -> None:
    return None


async def add_article(
    fake: FakeDiscord,
    guild: Guild,
    movie: str,
    *,
    while_parsing: Hook = nothing,
    while_storing: Hook = nothing,
) -> tuple[Call, Call]:
    """Add a 2 MB article as a moderator (attach, preview, press Add) and run the hooks
    while the bot parses it and while it stores it; return the preview and the Add answer."""
    driver = fake.driver
    upload = Upload(f"{movie}.html", big_article(movie), "text/html")
    started = time.perf_counter()
    adding = await driver.slash("article add", {"file": upload, "movie": movie}, guild.moderator)
    await while_parsing()
    assert latency(await adding.callback(), adding) < DEADLINE
    preview = await adding.original_edit(timeout=60)  # parsed within the worker's 10 s
    add = next(
        c["custom_id"]
        for row in preview.json["components"]
        for c in row["components"]
        if c.get("label") == "Add"
    )
    press = await driver.click(preview, add, guild.moderator)
    await while_storing()
    acknowledged = await press.callback(timeout=20)
    assert latency(acknowledged, press) < DEADLINE
    if acknowledged.json["type"] == 6:
        # Storing outlasted the bot's 1 s (a loaded machine): a deferred update, then
        # the edit that fills it.
        done = await driver.wait_for(
            f"PATCH /webhooks/*/{press.token}/messages/@original", since=press.mark, timeout=90
        )
        content = done.json["content"]
    else:
        done, content = acknowledged, interaction_data(acknowledged.json)["content"]
    assert "Added article" in content
    log.info("2 MB article previewed and added in %.2f s", time.perf_counter() - started)
    return preview, done


async def test_200_concurrent_reactions_while_a_2_mb_article_is_ingested(
    fake_discord: FakeDiscord, guild: Guild, fans: list[Member], bot_process: BotProcess
) -> None:
    log_start = bot_process.log_size()
    bursts: list[tuple[list[InteractionHandle], list[Call]]] = []

    async def burst() -> None:
        bursts.append(await reactions_burst(fake_discord, fans, offset=len(bursts) + 1))

    # One burst while the file is downloaded and parsed, one while its posts are stored
    # (pressing Add stores the article before the press is answered).
    preview, done = await add_article(
        fake_discord, guild, "Giant Reel", while_parsing=burst, while_storing=burst
    )
    (parse_handles, _), (store_handles, _) = bursts
    assert parse_handles[0].record.dispatched_at < preview.at  # the burst met the parsing
    assert store_handles[0].record.dispatched_at < done.at  # and the storing
    for offset, (handles, callbacks) in enumerate(bursts, start=1):
        latencies = [latency(c, h) for c, h in zip(callbacks, handles, strict=True)]
        log.info("%d /reactions during the ingest: %s", BURST, summary(latencies))
        assert max(latencies) < DEADLINE, summary(latencies)
        await assert_pages(fake_discord, handles, callbacks, offset=offset)
    assert fake_discord.expired == []
    assert " ERROR " not in bot_process.log_text(log_start)


async def ping_latency(fake: FakeDiscord, guild: Guild) -> tuple[float, float]:
    """Send !ping; return when it was sent and how long the answer took to reach Discord."""
    driver = fake.driver
    path = f"/channels/{guild.channel.id}/messages"
    sent = asyncio.get_running_loop().time()
    await driver.send_message(guild.channel, guild.member, "!ping")
    reply = await driver.wait_for(
        lambda call: call.ok and call.path == path and "Pong" in str(call.json), timeout=10
    )
    return sent, reply.at - sent


async def test_a_trivial_command_is_answered_while_a_2_mb_article_is_parsed(
    fake_discord: FakeDiscord, guild: Guild, bot_process: BotProcess
) -> None:
    # The loop probe, from outside: !ping does no I/O but its reply, so it is answered
    # whenever the bot's event loop gets to it. Parsing runs in a worker process and the
    # store's SQLite work off the loop; neither may stop it. How long a ping takes during
    # an ingest is a figure for benchmarks/, not a test: a loaded machine moves it.
    baseline = statistics.median([(await ping_latency(fake_discord, guild))[1] for _ in range(15)])
    samples: list[tuple[float, float]] = []

    async def probe() -> None:
        while True:
            samples.append(await ping_latency(fake_discord, guild))
            await asyncio.sleep(0.01)

    mark = fake_discord.driver.mark()
    probing = asyncio.ensure_future(probe())
    try:
        preview, _ = await add_article(fake_discord, guild, "Giant Reel II")
    finally:
        probing.cancel()
    # Parsing starts once the bot has fetched the file and ends before the preview.
    download = fake_discord.driver.calls("GET /attachments/{c}/{a}/{f}", since=mark)[0]
    parsing = preview.at - download.at
    answered = [lag for sent, lag in samples if download.at <= sent and sent + lag <= preview.at]
    log.info(
        "!ping: median %.1f ms before; %d answered during %.2f s of parsing, slowest %.1f ms",
        baseline * 1000,
        len(answered),
        parsing,
        max(answered, default=float("nan")) * 1000,
    )
    assert len(answered) >= max(MIN_PINGS, int(parsing / PING_GAP)), (len(answered), parsing)


async def test_a_member_who_floods_is_told_when_to_try_again(
    fake_discord: FakeDiscord, guild: Guild, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    channel = await driver.create_channel(guild, "cooldown")
    created = f"POST /channels/{channel.id}/messages"
    member = guild.member  # not one of the fans: its count starts here
    title = movie_title(3)
    # Prefix and slash twins share one count of 5 in 10 s.
    for _ in range(3):
        allowed = await driver.slash("reactions", {"movie": title}, member, channel)
        assert interaction_data((await allowed.callback()).json)["content"].startswith(f"**{title}")
    for _ in range(2):
        await driver.send_message(channel, member, f"!reactions {title} 1")
        assert (await driver.wait_for(created)).json["content"].startswith(f"**{title}")

    # The sixth is refused in the channel, in whole seconds; a seventh is not answered again.
    since = driver.mark()
    await driver.send_message(channel, member, f"!reactions {title} 1")
    notice = (await driver.wait_for(created)).json["embeds"][0]["description"]
    wait = re.fullmatch(r"Slow down — try again in (\d+) s\.", notice)
    assert wait, notice
    assert 1 <= int(wait[1]) <= 10
    await driver.send_message(channel, member, f"!reactions {title} 1")
    await asyncio.sleep(0.5)
    assert len(driver.calls(created, since=since)) == 1

    # A slash command is always answered: ephemerally, to the member alone.
    refused = await driver.slash("reactions", {"movie": title}, member, channel)
    data = interaction_data((await refused.callback()).json)
    assert data["flags"] & EPHEMERAL
    assert re.fullmatch(r"Slow down — try again in \d+ s\.", data["embeds"][0]["description"])

    # Other commands, and other members, are not held up.
    await driver.send_message(channel, member, "!random")
    assert "Slow down" not in str((await driver.wait_for(created)).json)
    other = await driver.slash("reactions", {"movie": title}, guild.owner, channel)
    assert interaction_data((await other.callback()).json)["content"].startswith(f"**{title}")


async def test_a_typo_does_not_use_up_the_cooldown(
    fake_discord: FakeDiscord, guild: Guild, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    channel = await driver.create_channel(guild, "typos")
    typist = await driver.add_member(guild, "typist")
    for text in [f"!reactions load movei 00{n} 1" for n in range(5)] + ["!reactions"] * 2:
        await driver.send_message(channel, typist, text)
        reply = await driver.wait_for(f"POST /channels/{channel.id}/messages")
        assert "Slow down" not in reply.json["embeds"][0]["description"]
    for n in range(5):
        await driver.send_message(channel, typist, f"!reactions {movie_title(n)} 1")
        reply = await driver.wait_for(f"POST /channels/{channel.id}/messages")
        assert (reply.json["content"] or "").startswith(f"**{movie_title(n)}**"), reply.json
    await driver.send_message(channel, typist, f"!reactions {movie_title(9)} 1")
    reply = await driver.wait_for(f"POST /channels/{channel.id}/messages")
    assert reply.json["embeds"][0]["description"].startswith("Slow down")


async def test_movies_slash_and_prefix_share_one_cooldown(
    fake_discord: FakeDiscord, guild: Guild, bot_process: BotProcess
) -> None:
    driver = fake_discord.driver
    channel = await driver.create_channel(guild, "movies")
    viewer = await driver.add_member(guild, "viewer")
    for _ in range(3):
        listed = await driver.slash("movies", {}, viewer, channel)
        assert interaction_data((await listed.callback()).json)["embeds"][0]["title"] == "Movies"
    for _ in range(2):
        await driver.send_message(channel, viewer, "!movies")
        assert (await driver.wait_for(f"POST /channels/{channel.id}/messages")).ok
    refused = await driver.slash("movies", {}, viewer, channel)
    data = interaction_data((await refused.callback()).json)
    assert data["flags"] & EPHEMERAL
    assert data["embeds"][0]["description"].startswith("Slow down — try again in ")
