"""Benchmark 4: command latency of the real bot process, against its own ``!ping``.

Latency is from just before the fake dispatches MESSAGE_CREATE on the gateway to the
moment the fake receives the bot's ``POST /channels/{id}/messages`` (the fake stamps a
request when it arrives, on the same event-loop clock). ``!reactions 12thfail`` (movie
resolution, one page of the 1M-reaction database, five spoiler embeds, buttons) and
``!ping`` (one short embed) alternate, one at a time, so drift hits both alike.

Then ``!ping`` over and over while a moderator adds a 2 MB article (the parse runs in the
worker process): how long a trivial command waits while an article is parsed. The e2e
test only checks that pings kept being answered; this is the figure.

Then the burst: 500 ``!reactions <movie>`` (a different movie each) from 50 channels,
dispatched as fast as the fake can send them, round-robin over the channels; each reply
is matched to its command by channel and movie title. Lost = not answered in 60 s.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from benchmarks.results import Row, median, ms, percentile, ratio_text
from benchmarks.session import Context, ask
from tests.e2e.fake_discord import Upload

SECTION = "4 latency"
ROUNDS = 200
WARMUP = 10
BURST_CHANNELS = 50
BURST_PER_CHANNEL = 10
BURST_TIMEOUT = 60.0
TARGET_RATIO = 1.5
ARTICLE_BYTES = 2 * 1024 * 1024


def _is_page(payload: dict[str, Any]) -> bool:
    return "12th Fail" in str(payload.get("content")) and len(payload.get("embeds") or []) == 5


def _is_pong(payload: dict[str, Any]) -> bool:
    embeds = payload.get("embeds") or []
    return bool(embeds) and "Pong" in str(embeds[0].get("description"))


async def _sequential(context: Context) -> tuple[list[float], list[float], int]:
    channel = await context.fake.driver.create_channel(context.guild, "latency")
    reactions: list[float] = []
    pings: list[float] = []
    wrong = 0
    for index in range(WARMUP + ROUNDS):
        took, page = await ask(context.fake, channel, context.guild, "!reactions 12thfail")
        wrong += not _is_page(page)
        floor, pong = await ask(context.fake, channel, context.guild, "!ping")
        wrong += not _is_pong(pong)
        if index >= WARMUP:
            reactions.append(took)
            pings.append(floor)
    return reactions, pings, wrong


def _big_article(target: int = ARTICLE_BYTES) -> bytes:
    """Return a 2 MB HTML page: 400 embedded posts among tens of thousands of paragraphs."""
    parts = ["<html><head><title>Fans react to 'Bench Giant'</title></head><body>"]
    size = n = 0
    while size < target:
        if n % 50 == 0 and n < 20_000:
            block = (
                f'<blockquote class="twitter-tweet"><p lang="en">Post {n}, what a ride</p>'
                f'&mdash; Fan {n} (@fan{n}) <a href="https://twitter.com/fan{n}/status/'
                f'{1000 + n}">May 3, 2024</a></blockquote>\n'
            )
        else:
            block = f"<p><i>w{n}</i> <b>x</b> <a href='/{n}'>y</a></p>\n"
        parts.append(block)
        size += len(block)
        n += 1
    return "".join([*parts, "</body></html>"]).encode()


async def _ping_while_parsing(context: Context) -> tuple[list[float], float]:
    """Return the !ping latencies sent and answered while a 2 MB article was parsed,
    and how long the parse took (from the bot's download of the file to its preview)."""
    driver = context.fake.driver
    guild = context.guild
    channel = await driver.create_channel(guild, "ping-while-parsing")
    loop = asyncio.get_running_loop()
    samples: list[tuple[float, float]] = []

    async def probe() -> None:
        while True:
            sent = loop.time()
            took, _ = await ask(context.fake, channel, guild, "!ping")
            samples.append((sent, took))
            await asyncio.sleep(0.01)

    mark = driver.mark()
    probing = asyncio.ensure_future(probe())
    try:
        upload = Upload("bench-giant.html", _big_article(), "text/html")
        adding = await driver.slash("article add", {"file": upload}, guild.moderator)
        preview = await adding.original_edit(timeout=60)
    finally:
        probing.cancel()
    download = driver.calls("GET /attachments/{c}/{a}/{f}", since=mark)[0]
    during = [took for sent, took in samples if download.at <= sent <= preview.at - took]
    return during, preview.at - download.at


async def _burst(context: Context) -> tuple[list[float], int, int, float]:
    """Return (latencies of answered commands, lost, duplicate answers, seconds for all)."""
    driver = context.fake.driver
    channels = [
        await driver.create_channel(context.guild, f"burst-{index}")
        for index in range(BURST_CHANNELS)
    ]
    movies = random.Random(4).sample(context.slugs, BURST_CHANNELS * BURST_PER_CHANNEL)
    loop = asyncio.get_running_loop()
    mark = driver.mark()
    sent: dict[tuple[int, str], float] = {}
    started = time.perf_counter()
    for round_ in range(BURST_PER_CHANNEL):
        for number, channel in enumerate(channels):
            title, slug = movies[round_ * BURST_CHANNELS + number]
            sent[(channel.id, title)] = loop.time()
            await driver.send_message(channel, context.guild.member, f"!reactions {slug}")
    wanted = {channel.id for channel in channels}
    answered: dict[tuple[int, str], float] = {}
    duplicates = 0

    def collect() -> None:
        nonlocal duplicates
        answered.clear()
        duplicates = 0
        for call in driver.calls("POST /channels/{id}/messages", since=mark):
            channel_id = int(call.path.split("/")[2])
            if channel_id not in wanted:
                continue
            payload = call.json or {}
            shown = [str(payload.get("content") or "")]
            shown += [str((e.get("footer") or {}).get("text")) for e in payload.get("embeds") or []]
            for title in (t for (c, t) in sent if c == channel_id):
                # The content starts "**Title** — reactions…"; footers "Title · 1 of N".
                if any(f"**{title}**" in s or s.startswith(f"{title} · ") for s in shown):
                    key = (channel_id, title)
                    if key in answered:
                        duplicates += 1
                    else:
                        answered[key] = call.at - sent[key]
                    break

    deadline = time.perf_counter() + BURST_TIMEOUT
    while time.perf_counter() < deadline:
        collect()
        if len(answered) + duplicates >= len(sent):
            break
        try:
            await driver.wait_for(lambda _call: True, timeout=1.0, since=driver.mark())
        except TimeoutError:
            continue
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.5)  # late duplicates would show up here
    collect()
    return list(answered.values()), len(sent) - len(answered), duplicates, elapsed


async def run_burst_only(context: Context) -> tuple[list[float], int, int, float]:
    """Run the burst (once per process) and print what it did."""
    latencies, lost, duplicates, elapsed = await _burst(context)
    context.burst_done = True
    total = BURST_CHANNELS * BURST_PER_CHANNEL
    print(
        f"  burst: {total} commands from {BURST_CHANNELS} channels; answered {len(latencies)}, "
        f"lost {lost}, duplicates {duplicates}; all answered after {elapsed:.2f} s "
        f"({len(latencies) / elapsed:.0f} commands/s)"
    )
    return latencies, lost, duplicates, elapsed


async def measure(context: Context) -> list[Row]:
    """Measure and return the latency rows; the burst leaves the process for `memory`."""
    reactions, pings, wrong = await _sequential(context)
    print(
        f"  sequential: {len(reactions)} × !reactions 12thfail and {len(pings)} × !ping "
        f"(after {WARMUP} warm-up each); wrong or missing answers: {wrong}"
    )
    while_parsing, parsing = await _ping_while_parsing(context)
    print(
        f"  !ping while a 2 MB article was parsed: {len(while_parsing)} answered "
        f"in {parsing:.2f} s of parsing"
    )
    latencies, lost, duplicates, elapsed = await run_burst_only(context)
    total = BURST_CHANNELS * BURST_PER_CHANNEL
    ratio = median(reactions) / median(pings)
    return [
        Row(
            SECTION,
            "!reactions 12thfail vs !ping, 1M db: median",
            ms(median(reactions)),
            ms(median(pings)),
            ratio_text(median(reactions), median(pings)),
            f"≤ {TARGET_RATIO:g}× the floor",
            ratio <= TARGET_RATIO and wrong == 0,
        ),
        Row(
            SECTION,
            "!reactions 12thfail vs !ping, 1M db: p95",
            ms(percentile(reactions, 0.95)),
            ms(percentile(pings, 0.95)),
            ratio_text(percentile(reactions, 0.95), percentile(pings, 0.95)),
            "-",
            None,
        ),
        Row(
            SECTION,
            "!ping while a 2 MB article is parsed: median / max",
            f"{ms(median(while_parsing))} / {ms(max(while_parsing, default=float('nan')))}",
            f"{ms(median(pings))} (ping p50)",
            ratio_text(median(while_parsing), median(pings)),
            "report",
            None,
        ),
        Row(
            SECTION,
            f"burst {total} cmds / {BURST_CHANNELS} channels: answered",
            f"{len(latencies)}/{total}, {lost} lost, {duplicates} dup",
            "-",
            "-",
            "all answered, none lost",
            lost == 0 and duplicates == 0,
        ),
        Row(
            SECTION,
            "burst: p50 / p95 / max latency",
            f"{ms(percentile(latencies, 0.5))} / {ms(percentile(latencies, 0.95))} / "
            f"{ms(max(latencies, default=float('nan')))}",
            f"{ms(median(pings))} (ping p50)",
            ratio_text(percentile(latencies, 0.95), median(pings)),
            "report",
            None,
        ),
        Row(
            SECTION,
            "burst: throughput",
            f"{len(latencies) / elapsed:.0f} cmds/s",
            "-",
            "-",
            "-",
            None,
        ),
    ]
