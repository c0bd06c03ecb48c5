"""Benchmark 4: command latency of the real bot process, each against a baseline in it.

Latency is from just before the fake dispatches the event on the gateway (MESSAGE_CREATE
or INTERACTION_CREATE) to the moment the fake receives the bot's answer (the reply's
``POST /channels/{id}/messages``, or the interaction's ``POST .../callback``); the fake
stamps a request when it arrives, on the same event-loop clock.

- ``!reactions 12thfail`` (movie resolution, one page of the 1M-reaction database, five
  spoiler embeds, buttons) and ``!ping`` (one short embed) alternate, one at a time, so
  drift hits both alike.
- Autocomplete: what a member has typed so far of a random title (0-6 letters, one
  request per keystroke as Discord sends them) in ``/reactions movie:``, alternating with
  the same text in ``/bench-constant movie:``, whose autocomplete answers a constant list
  of 25 choices in the same process (`benchmarks.bot_entry`).
- ``!ping`` over and over while a moderator adds a 2 MB article (the parse runs in the
  worker process): how long a trivial command waits while an article is parsed.
- Bursts: 500 ``!reactions <movie>`` (a different movie each) from 50 channels,
  dispatched as fast as the fake can send them, round-robin over the channels, and 500
  ``!ping`` the same way; ping, reactions, ping, reactions. A reaction page is matched to
  its command by channel and movie title; pongs, which all look alike, to the pings of
  their channel in order. Lost = not answered in 60 s; dup = a second answer; other = a
  reply answering none of the commands (an error message, say; printed).
"""

from __future__ import annotations

import asyncio
import gc
import random
import time
from dataclasses import dataclass, field
from typing import Any

import psutil

from benchmarks.bot_entry import NAME as CONSTANT_COMMAND
from benchmarks.bot_entry import PAGE_COMMAND
from benchmarks.results import Row, median, ms, percentile, ratio_text, skipped
from benchmarks.session import Context, ask
from tests.e2e.fake_discord import Channel, Upload

SECTION = "4 latency"
ROUNDS = 200
WARMUP = 10
AUTOCOMPLETE_ROUNDS = 200
BURST_CHANNELS = 50
BURST_PER_CHANNEL = 10
BURST_ROUNDS = 2
BURST_TIMEOUT = 60.0
TARGET_RATIO = 1.5
AUTOCOMPLETE_P99_MS = 15.0
AUTOCOMPLETE_RATIO = 3.0
BURST_RATIO = 2.0
ARTICLE_BYTES = 2 * 1024 * 1024
CALLBACK = "POST /interactions/{id}/{token}/callback"


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


async def _autocomplete(
    context: Context, channel: Channel, command: str, typed: str
) -> tuple[float, int]:
    """Return (dispatch → callback seconds, number of choices) of one autocomplete."""
    driver = context.fake.driver
    mark = driver.mark()
    sent = asyncio.get_running_loop().time()
    choices = await driver.autocomplete(
        command, {"movie": typed}, "movie", context.guild.member, channel, timeout=30.0
    )
    answered = driver.calls(CALLBACK, since=mark)[0]
    return answered.at - sent, len(choices)


async def _autocompletes(context: Context) -> tuple[list[float], list[float], int]:
    """Return the latencies of ours and of the constant autocomplete, and how many of ours
    offered no movie for a title's prefix."""
    channel = await context.fake.driver.create_channel(context.guild, "autocomplete")
    rng = random.Random(12)
    ours: list[float] = []
    constant: list[float] = []
    empty = 0
    for index in range(WARMUP + AUTOCOMPLETE_ROUNDS):
        typed = rng.choice(context.slugs)[0][: rng.randint(0, 6)]
        took, offered = await _autocomplete(context, channel, "reactions", typed)
        floor, _ = await _autocomplete(context, channel, CONSTANT_COMMAND, typed)
        if index >= WARMUP:
            ours.append(took)
            constant.append(floor)
            empty += offered == 0
    return ours, constant, empty


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


@dataclass
class Burst:
    """What the bursts of one kind of command measured, pooled over the rounds."""

    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    lost: int = 0
    duplicates: int = 0
    others: list[str] = field(default_factory=list)
    """Replies that answer none of the commands sent (an error, say), shortened."""
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds each process (group) spent over the bursts: what the floor is made of."""

    @property
    def answered(self) -> str:
        """Return "answered/sent, lost, duplicates, other replies" for the table."""
        counts = f"{len(self.latencies)}/{self.sent}, {self.lost} lost, {self.duplicates} dup"
        return f"{counts}, {len(self.others)} other" if self.others else counts

    @property
    def clean(self) -> bool:
        """Tell whether every command was answered once, and nothing else was said."""
        return self.lost + self.duplicates + len(self.others) == 0


async def _burst(context: Context, commands: list[str], keys: list[str], result: Burst) -> None:
    """`_send_burst` with the harness's own garbage collector off, as `timeit` does.

    The harness (the fake Discord, which keeps every request it served) shares the two
    cores with the bot: its full collections, 100-180 ms each late in a run, would stall
    whichever burst they fell in, and more often the one whose messages are larger. The
    bot's collector is untouched: its pauses are part of what is measured.
    """
    gc.collect()
    gc.disable()
    before = _cpu_seconds(context)
    try:
        await _send_burst(context, commands, keys, result)
    finally:
        gc.enable()
    for name, seconds in _cpu_seconds(context).items():
        result.cpu[name] = result.cpu.get(name, 0.0) + seconds - before.get(name, 0.0)


def _cpu_seconds(context: Context) -> dict[str, float]:
    """Return the CPU seconds used so far by the bot, the harness (the fake Discord and
    this driver) and, on PostgreSQL, the server's processes (its connections')."""
    groups = {"bot": [psutil.Process(context.bot_pid)], "fake Discord": [psutil.Process()]}
    if context.database_pid is not None:
        server = psutil.Process(context.database_pid)
        groups["PostgreSQL"] = [server, *server.children()]
    return {name: sum(_used(process) for process in group) for name, group in groups.items()}


def _used(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0  # a connection that closed during the burst
    return float(times.user + times.system)


def _per_command(burst: Burst) -> str:
    """Return the CPU milliseconds per command of each group, "bot 1.2 / fake Discord 0.9"."""
    count = max(1, burst.sent)
    return " / ".join(f"{name} {seconds / count * 1000:.2f}" for name, seconds in burst.cpu.items())


async def _send_burst(
    context: Context, commands: list[str], keys: list[str], result: Burst
) -> None:
    """Send ``commands`` (one per key) round-robin over 50 new channels; add to ``result``.

    A reply answers the first key of its channel it shows (``keys[i]`` is what the
    answer to ``commands[i]`` contains); pongs, all alike, take their channel's keys in
    order.
    """
    driver = context.fake.driver
    channels = [
        await driver.create_channel(context.guild, f"burst-{index}")
        for index in range(BURST_CHANNELS)
    ]
    loop = asyncio.get_running_loop()
    mark = driver.mark()
    sent: dict[tuple[int, str], float] = {}
    keys_of: dict[int, list[str]] = {channel.id: [] for channel in channels}
    started = time.perf_counter()
    for number, (command, key) in enumerate(zip(commands, keys, strict=True)):
        channel = channels[number % BURST_CHANNELS]
        sent[(channel.id, key)] = loop.time()
        keys_of[channel.id].append(key)
        await driver.send_message(channel, context.guild.member, command)
    answered: dict[tuple[int, str], float] = {}
    duplicates = 0
    others: list[str] = []
    seen = mark

    def collect() -> None:
        """Match the replies recorded since the last look (the harness shares the 2 cores:
        matching every reply again at each wake-up would cost the burst it measures)."""
        nonlocal duplicates, seen
        calls = driver.calls("POST /channels/{id}/messages", since=seen)
        seen = driver.mark()
        for call in calls:
            channel_id = int(call.path.split("/")[2])
            if channel_id not in keys_of:
                continue
            shown = _shown(call.json or {})
            # Keys in the order sent: pongs, all alike, answer their channel's pings in turn.
            matched = [k for k in keys_of[channel_id] if _answers(k, shown)]
            fresh = [k for k in matched if (channel_id, k) not in answered]
            if fresh:
                answered[(channel_id, fresh[0])] = call.at - sent[(channel_id, fresh[0])]
            elif matched:
                duplicates += 1
            else:
                others.append(" | ".join(shown)[:120])

    deadline = time.perf_counter() + BURST_TIMEOUT
    while time.perf_counter() < deadline:
        collect()
        if len(answered) + duplicates + len(others) >= len(sent):
            break
        try:
            await driver.wait_for(lambda _call: True, timeout=1.0, since=seen)
        except TimeoutError:
            continue
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.5)  # late duplicates would show up here
    collect()
    result.latencies += answered.values()
    result.sent += len(sent)
    result.lost += len(sent) - len(answered)
    result.duplicates += duplicates
    result.others += others
    result.seconds += elapsed


def _shown(payload: dict[str, Any]) -> list[str]:
    """Return what identifies a reply: ``["ping"]`` for a pong, ``["page"]`` for the page of
    12th Fail (which no burst of ``!reactions`` asks for), else its content and footers."""
    if _is_pong(payload):
        return ["ping"]
    if _is_page(payload):
        return ["page"]
    shown = [str(payload.get("content") or "")]
    return shown + [str((e.get("footer") or {}).get("text")) for e in payload.get("embeds") or []]


def _answers(key: str, shown: list[str]) -> bool:
    """Tell whether a reply showing ``shown`` answers the command of ``key``."""
    if key.startswith(("ping ", "page ")):
        return shown == [key.split()[0]]
    # The content starts "**Title** — reactions…"; footers "Title · 1 of N".
    return any(f"**{key}**" in s or s.startswith(f"{key} · ") for s in shown)


@dataclass
class Bursts:
    """The bursts of each kind of command, pooled over the rounds."""

    reactions: Burst = field(default_factory=Burst)
    pings: Burst = field(default_factory=Burst)
    pages: Burst = field(default_factory=Burst)
    """``!bench-page``: a page of five embeds sent, nothing read or rendered (the floor)."""


async def _bursts(context: Context) -> Bursts:
    """Run bursts of ``!ping``, ``!bench-page`` and ``!reactions`` in turn, each round."""
    total = BURST_CHANNELS * BURST_PER_CHANNEL
    bursts = Bursts()
    for round_ in range(BURST_ROUNDS):
        await _burst(context, ["!ping"] * total, [f"ping {n}" for n in range(total)], bursts.pings)
        pages = [f"!{PAGE_COMMAND}"] * total
        await _burst(context, pages, [f"page {n}" for n in range(total)], bursts.pages)
        movies = random.Random(4 + round_).sample(context.slugs, total)
        commands = [f"!reactions {slug}" for _, slug in movies]
        await _burst(context, commands, [title for title, _ in movies], bursts.reactions)
    context.burst_done = True
    named = (
        ("!reactions", bursts.reactions),
        (f"!{PAGE_COMMAND}", bursts.pages),
        ("!ping", bursts.pings),
    )
    for name, burst in named:
        print(
            f"  burst of {name}: {BURST_ROUNDS} × {total} from {BURST_CHANNELS} channels; "
            f"answered {burst.answered}; {len(burst.latencies) / burst.seconds:.0f} commands/s"
        )
        for reply in burst.others[:5]:
            print(f"    a reply answering none of them: {reply}")
    return bursts


async def run_bursts_only(context: Context) -> None:
    """Run the bursts (for the memory figures when latency is not measured)."""
    await _bursts(context)


async def measure(context: Context) -> list[Row]:
    """Measure and return the latency rows; the bursts leave the process for `memory`."""
    backend = context.backend
    reactions, pings, wrong = await _sequential(context)
    print(
        f"  sequential: {len(reactions)} × !reactions 12thfail and {len(pings)} × !ping "
        f"(after {WARMUP} warm-up each); wrong or missing answers: {wrong}"
    )
    ours, constant, empty = await _autocompletes(context)
    print(
        f"  autocomplete: {len(ours)} × /reactions movie: and {len(constant)} × "
        f"/{CONSTANT_COMMAND} movie:; ours offered no movie {empty} time(s)"
    )
    while_parsing, parsing = await _ping_while_parsing(context)
    print(
        f"  !ping while a 2 MB article was parsed: {len(while_parsing)} answered "
        f"in {parsing:.2f} s of parsing"
    )
    bursts = await _bursts(context)
    burst, ping_burst, page_burst = bursts.reactions, bursts.pings, bursts.pages
    total = BURST_CHANNELS * BURST_PER_CHANNEL
    ratio = median(reactions) / median(pings)
    ours_p99, constant_p99 = percentile(ours, 0.99), percentile(constant, 0.99)
    burst_p95, ping_p95 = percentile(burst.latencies, 0.95), percentile(ping_burst.latencies, 0.95)
    page_p95 = percentile(page_burst.latencies, 0.95)
    none_lost = burst.clean and ping_burst.clean
    return [
        Row(
            SECTION,
            backend,
            "!reactions 12thfail vs !ping, 1M db, dispatch → reply: median",
            ms(median(reactions)),
            ms(median(pings)),
            ratio_text(median(reactions), median(pings)),
            f"≤ {TARGET_RATIO:g}×",
            ratio <= TARGET_RATIO and wrong == 0,
        ),
        Row(
            SECTION,
            backend,
            "!reactions 12thfail vs !ping, 1M db: p95",
            ms(percentile(reactions, 0.95)),
            ms(percentile(pings, 0.95)),
            ratio_text(percentile(reactions, 0.95), percentile(pings, 0.95)),
            "-",
            None,
        ),
        Row(
            SECTION,
            backend,
            "autocomplete answered (dispatch → callback), 10,000 movies, vs a constant list: p50",
            ms(median(ours)),
            ms(median(constant)),
            ratio_text(median(ours), median(constant)),
            "-",
            None,
        ),
        Row(
            SECTION,
            backend,
            "autocomplete answered (dispatch → callback), 10,000 movies, vs a constant list: p99",
            ms(ours_p99),
            ms(constant_p99),
            ratio_text(ours_p99, constant_p99),
            f"≤ {AUTOCOMPLETE_P99_MS:g} ms and ≤ {AUTOCOMPLETE_RATIO:g}×",
            ours_p99 * 1000 <= AUTOCOMPLETE_P99_MS
            and ours_p99 <= AUTOCOMPLETE_RATIO * constant_p99,
        ),
        Row(
            SECTION,
            backend,
            "!ping while a 2 MB article is parsed: median / max",
            f"{ms(median(while_parsing))} / {ms(max(while_parsing, default=float('nan')))}",
            f"{ms(median(pings))} (ping p50)",
            ratio_text(median(while_parsing), median(pings)),
            "-",
            None,
        ),
        Row(
            SECTION,
            backend,
            f"burst: {total} !reactions vs {total} !ping from {BURST_CHANNELS} channels "
            f"(×{BURST_ROUNDS}): answered",
            burst.answered,
            ping_burst.answered,
            "-",
            "none lost",
            none_lost,
        ),
        Row(
            SECTION,
            backend,
            f"burst: {total} !reactions vs {total} !ping: p95",
            ms(burst_p95),
            ms(ping_p95),
            ratio_text(burst_p95, ping_p95),
            f"≤ {BURST_RATIO:g}×, none lost",
            burst_p95 <= BURST_RATIO * ping_p95 and none_lost,
        ),
        Row(
            SECTION,
            backend,
            "burst: p50 / max; throughput",
            f"{ms(median(burst.latencies))} / {ms(max(burst.latencies, default=float('nan')))}; "
            f"{len(burst.latencies) / burst.seconds:.0f}/s",
            f"{ms(median(ping_burst.latencies))} / "
            f"{ms(max(ping_burst.latencies, default=float('nan')))}; "
            f"{len(ping_burst.latencies) / ping_burst.seconds:.0f}/s",
            ratio_text(median(burst.latencies), median(ping_burst.latencies)),
            "-",
            None,
        ),
        Row(
            SECTION,
            backend,
            "burst: CPU ms per command",
            _per_command(burst),
            _per_command(ping_burst),
            ratio_text(sum(burst.cpu.values()), sum(ping_burst.cpu.values())),
            "-",
            None,
        ),
        Row(
            SECTION,
            backend,
            f"burst: {total} !{PAGE_COMMAND} (12th Fail's page sent, not read or rendered) "
            "vs !ping: p95; CPU ms per command",
            f"{ms(page_p95)}; {_per_command(page_burst)} ({page_burst.answered})",
            f"{ms(ping_p95)}; {_per_command(ping_burst)}",
            ratio_text(page_p95, ping_p95),
            "-",
            None,
        ),
    ]


def skipped_rows(backend: str, why: str) -> list[Row]:
    """Return the graded latency rows, each saying why it was not measured."""
    return [
        skipped(
            SECTION, backend, "!reactions 12thfail vs !ping: median", f"≤ {TARGET_RATIO:g}×", why
        ),
        skipped(
            SECTION,
            backend,
            "autocomplete answered (dispatch → callback): p99",
            f"≤ {AUTOCOMPLETE_P99_MS:g} ms and ≤ {AUTOCOMPLETE_RATIO:g}×",
            why,
        ),
        skipped(
            SECTION,
            backend,
            "burst !reactions vs !ping: p95",
            f"≤ {BURST_RATIO:g}×, none lost",
            why,
        ),
    ]
