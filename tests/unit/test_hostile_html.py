"""Hostile input cannot stall the bot: each page finishes or is refused in time, capped.

The adversarial corpus goes through the real parse worker while a probe checks that the
event loop keeps answering; the inputs that used to take quadratic time in the parser are
also timed in-process. ``REEL_HYPOTHESIS_EXAMPLES`` raises the number of random inputs.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.errors import NoReactions, ParseError, ReelError
from bot.domain.models import Article
from bot.ingest.worker import PARSE_TIMEOUT, ParseWorker
from bot.parsing import MAX_INPUT_BYTES, MAX_REACTION_CHARS, MAX_REACTIONS, clean, parse
from bot.parsing.limits import cap_text
from bot.parsing.text import _attribution
from bot.store import Store
from tests.unit.test_parse_worker import LoopProbe

STORE_BACKENDS = ["sqlite"]
"""Parser limits and the event loop are checked here, not the store: one backend will do."""

EXAMPLES = int(os.environ.get("REEL_HYPOTHESIS_EXAMPLES", "300"))
MB = 1024 * 1024


def tweet(number: int, text: str | None = None) -> str:
    body = text if text is not None else f"Reaction number {number}: what a film."
    return (
        f'<blockquote class="twitter-tweet"><p lang="en">{body}</p>&mdash; Fan {number} '
        f'(@fan{number}) <a href="https://twitter.com/fan{number}/status/{10**18 + number}">'
        "January 1, 2024</a></blockquote>"
    )


def bluesky(number: int, text: str | None = None, date: str = "May 14, 2024 at 3:43 PM") -> str:
    body = text if text is not None else f"Bluesky reaction {number}"
    post = f"https://bsky.app/profile/did:plc:fan{number}/post/3kshwutoic22b"
    return (
        f'<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:fan{number}/'
        f'app.bsky.feed.post/3kshwutoic22b"><p lang="en">{body}<br><br>'
        f'<a href="{post}?ref_src=embed">[image or embed]</a></p>&mdash; Fan {number} '
        f'(<a href="https://bsky.app/profile/did:plc:fan{number}">@fan{number}.bsky.social</a>) '
        f'<a href="{post}?ref_src=embed">{date}</a></blockquote>'
    )


def other_platforms(number: int) -> list[str]:
    """Return one embed of every platform but X, each by ``fan<number>`` (two without text)."""
    video = 7_300_000_000_000_000_000 + number
    return [
        bluesky(number),
        f'<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@fan{number}/video/'
        f'{video}" data-video-id="{video}"><section><a href="https://www.tiktok.com/@fan{number}">'
        f"@fan{number}</a> TikTok reaction {number} <a>♬ sound</a></section></blockquote>",
        f'<iframe src="https://www.tiktok.com/player/v1/{video}"></iframe>',
        f'<blockquote class="instagram-media" data-instgrm-version="12" data-instgrm-permalink='
        f'"https://www.instagram.com/p/C{number}x/"><a href="https://www.instagram.com/p/C{number}x/">'
        f'View this post on Instagram</a><p><a href="https://www.instagram.com/p/C{number}x/">'
        f"Instagram reaction {number}</a></p><p>A post shared by Fan (@fan{number}) on "
        '<time datetime="2024-01-01T00:00:00+00:00">Jan 1, 2024</time></p></blockquote>',
        f'<blockquote class="reddit-embed-bq"><a href="https://www.reddit.com/r/films/comments/'
        f'p{number}/t/">Reddit reaction {number}</a><br> by<a href="https://www.reddit.com/user/'
        f'fan{number}/">u/fan{number}</a></blockquote>',
        f'<blockquote class="mastodon-embed"><a href="https://toot.example/@fan{number}/'
        f'{10**17 + number}">Post by @fan{number}@toot.example</a></blockquote>',
        f'<blockquote class="text-post-media" data-text-post-permalink="https://www.threads.net/'
        f'@fan{number}/post/C{number}"> Post by @fan{number}</blockquote>',
    ]


def page(*parts: str, head: str = "") -> str:
    return (
        "<!doctype html><html><head><title>How the internet reacted to 12th Fail</title>"
        f"{head}</head><body><h1>How the internet reacted to '12th Fail'</h1>"
        f"{''.join(parts)}</body></html>"
    )


def substack(attrs: dict[str, str]) -> str:
    # json.dumps escapes a lone surrogate as "\ud800", which json.loads turns back into one.
    return f'<div class="tweet" data-attrs="{html.escape(json.dumps(attrs))}"></div>'


def handles(outcome: Article | ReelError) -> list[str | None]:
    assert isinstance(outcome, Article), outcome
    return [reaction.handle for reaction in outcome.reactions]


# What a case must come to: refused with a reason, or parsed into what the check accepts.


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], bytes]
    check: Callable[[Article | ReelError], None]


def refused(kind: type[ReelError], reason: str) -> Callable[[Article | ReelError], None]:
    def check(outcome: Article | ReelError) -> None:
        assert isinstance(outcome, kind), outcome
        assert re.search(reason, str(outcome)), outcome
        assert "\n" not in str(outcome)

    return check


def posts(*expected: str) -> Callable[[Article | ReelError], None]:
    def check(outcome: Article | ReelError) -> None:
        assert handles(outcome) == list(expected)

    return check


def has_replacement_characters(outcome: Article | ReelError) -> None:
    assert isinstance(outcome, Article), outcome
    assert any("\ufffd" in reaction.text for reaction in outcome.reactions)


def any_article(outcome: Article | ReelError) -> None:
    assert isinstance(outcome, Article), outcome


def capped_count(outcome: Article | ReelError) -> None:
    assert handles(outcome) == [f"fan{number}" for number in range(MAX_REACTIONS)]


def capped_every_platform(outcome: Article | ReelError) -> None:
    assert isinstance(outcome, Article), outcome
    assert len(outcome.reactions) == MAX_REACTIONS
    assert [r.platform for r in outcome.reactions[:4]] == [
        "bluesky",
        "tiktok",
        "instagram",
        "reddit",
    ]
    assert 0 < len(outcome.skipped) <= MAX_REACTIONS


def only_bluesky_fan4(outcome: Article | ReelError) -> None:
    assert handles(outcome) == ["fan4.bsky.social"]
    assert isinstance(outcome, Article)
    assert outcome.skipped == ()


def capped_text(outcome: Article | ReelError) -> None:
    assert isinstance(outcome, Article), outcome
    (reaction,) = outcome.reactions
    assert len(reaction.text) <= MAX_REACTION_CHARS
    assert reaction.text.endswith("word…")


def utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def mixed_encodings() -> bytes:
    # Declared Latin-1, written in UTF-8, with Windows-1252 quotes and stray invalid bytes.
    return (
        utf8(page(head='<meta charset="iso-8859-1">'))[:-14]
        + utf8(tweet(1, "Caf\u00e9 \u2014 na\u00efve \U0001f600"))
        + tweet(2, "\u201csmart quotes\u201d").encode("cp1252")
        + b"\xff\xfe\xc3\x28 \xe2\x82"
        + utf8(tweet(3))
        + b"</body></html>"
    )


def utf16_with_an_odd_byte() -> bytes:
    return b"\xff\xfe" + page(tweet(1)).encode("utf-16-le") + b"\x00\xd8\x41"


def binary(size: int, *, low: int) -> bytes:
    rng = random.Random(7)
    return bytes(rng.randrange(low, 256) for _ in range(size))


CASES = [
    Case(
        "100k-nested-divs",
        lambda: utf8(page("<div>" * 100_000, tweet(1))),
        refused(ParseError, "nests elements more than 10,000 levels"),
    ),
    Case(
        "one-tag-50k-attributes",
        lambda: utf8(page("<div " + " ".join(f'a{i}="v"' for i in range(50_000)) + ">", tweet(1))),
        refused(ParseError, "more than 1,000 attributes"),
    ),
    Case(
        "12-mb-text-node",
        lambda: utf8(page("<p>" + "word " * (12 * MB // 5) + "</p>", tweet(1))),
        refused(ParseError, r"12\.0 MB; articles are at most 5\.0 MB"),
    ),
    Case(
        "4.9-mb-text-node",
        lambda: utf8(page("<p>" + "word " * (49 * MB // 50) + "</p>", tweet(1))),
        posts("fan1"),
    ),
    Case(
        "unclosed-comment",
        lambda: utf8(page(tweet(1), "<!-- ", *(tweet(n) for n in range(2, 1_000)))),
        posts("fan1"),
    ),
    Case(
        "10k-tweet-blockquotes",
        lambda: utf8(page(*(tweet(n) for n in range(10_000)))),
        capped_count,
    ),
    Case(
        "fake-posts-in-script-template-noscript",
        lambda: utf8(
            page(
                "<script>" + tweet(1) * 500 + "</script>",
                "<template>" + tweet(2) * 500 + "</template>",
                "<noscript>" + tweet(3) * 500 + "</noscript>",
                "<textarea>" + tweet(5) * 500 + "</textarea>",
                tweet(4),
            )
        ),
        posts("fan4"),
    ),
    Case(
        "10k-embeds-of-every-platform",
        lambda: utf8(page(*(embed for n in range(1_500) for embed in other_platforms(n)))),
        capped_every_platform,
    ),
    Case(
        "fake-posts-of-every-platform-in-script-template-noscript",
        lambda: utf8(
            page(
                "<script>" + "".join(other_platforms(1)) * 200 + "</script>",
                "<template>" + "".join(other_platforms(2)) * 200 + "</template>",
                "<noscript>" + "".join(other_platforms(3)) * 200 + "</noscript>",
                "<textarea>" + "".join(other_platforms(5)) * 200 + "</textarea>",
                bluesky(4),
            )
        ),
        only_bluesky_fan4,
    ),
    Case(
        "a-2-mb-word-where-a-bluesky-date-goes",
        lambda: utf8(page(bluesky(1, date="a" * 2 * MB))),
        posts("fan1.bsky.social"),
    ),
    Case(
        "a-20k-word-tiktok-caption",
        lambda: utf8(page(other_platforms(1)[1].replace("TikTok reaction 1", "word " * 20_000))),
        capped_text,
    ),
    Case(
        "fake-posts-after-an-unclosed-script",
        lambda: utf8(page(tweet(1), "<script>", *(tweet(n) for n in range(2, 500)))),
        posts("fan1"),
    ),
    Case(
        "nul-bytes-at-the-start",
        lambda: b"\x00\x00" + utf8(page(tweet(1))),
        refused(ParseError, "not text"),
    ),
    Case(
        "nul-byte-past-the-sniffed-head",
        lambda: utf8(page(tweet(1), "<p>" + "x" * 20_000 + "\x00</p>")),
        refused(ParseError, "not text"),
    ),
    Case(
        "lone-surrogates-in-entities",
        lambda: utf8(page(tweet(1, "a &#xD800; b &#xDFFF; c &#55296; d &#x110000; e &#0; f"))),
        has_replacement_characters,
    ),
    Case(
        "lone-surrogates-in-embed-json",
        lambda: utf8(
            page(
                substack(
                    {
                        "full_text": "broken \ud800 text \udfff",
                        "name": "Name \udc00",
                        "username": "fan1",
                        "url": "https://twitter.com/fan1/status/1234567890123456789",
                    }
                )
            )
        ),
        has_replacement_characters,
    ),
    Case(
        "lone-surrogates-from-utf-7",
        lambda: utf8(page(tweet(1, "+2AA- and +3/8-"), head='<meta charset="utf-7">')),
        any_article,
    ),
    Case(
        "raw-surrogate-bytes",
        lambda: utf8(page(tweet(1, "cesu \ud83d\ude00 lone \udc80"))),
        has_replacement_characters,
    ),
    Case("mixed-encodings", mixed_encodings, any_article),
    Case("utf-16-with-an-odd-byte", utf16_with_an_odd_byte, posts("fan1")),
    Case(
        "binary-garbage",
        lambda: binary(1_000_000, low=0),
        refused(ParseError, "not text"),
    ),
    Case(
        "binary-garbage-without-nul",
        lambda: binary(200_000, low=1),
        refused(ParseError, "not text in any encoding"),
    ),
    Case(
        "a-20k-word-post",
        lambda: utf8(page(tweet(1, "word " * 20_000))),
        capped_text,
    ),
    # Inputs that took quadratic (or worse) time in the parser before it was fixed.
    Case(
        "200k-unfinished-tags",
        lambda: b"<!doctype html><html><body>" + b"<a" * 200_000,
        refused(NoReactions, "no reactions"),
    ),
    Case(
        "plain-text-paragraph-of-dashes",
        lambda: utf8("Reactions\n\n" + "-- a " * 200_000 + "(@b"),
        refused(NoReactions, "no reactions"),
    ),
    Case(
        "embed-json-of-unclosed-tags",
        lambda: utf8(page(substack({"full_text": "<" * 1_000_000, "username": "fan1"}))),
        refused(NoReactions, "no reactions"),
    ),
    Case(
        "a-2-mb-word-where-a-date-goes",
        lambda: utf8(page(tweet(1).replace("January 1, 2024", "a" * 2 * MB))),
        posts("fan1"),
    ),
]


@pytest.fixture(scope="module")
def worker() -> Iterator[ParseWorker]:
    """One worker with the bot's own limit, shared by the corpus cases."""
    started = ParseWorker()
    yield started
    asyncio.run(started.close())


def assert_safe(article: Article) -> None:
    """Check the output caps and that every string reaches JSON and SQLite intact."""
    assert 0 < len(article.reactions) <= MAX_REACTIONS
    assert all(0 < len(reaction.text) <= MAX_REACTION_CHARS for reaction in article.reactions)
    json.dumps(article.to_json(), ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_hostile_page_finishes_or_is_refused_in_time_and_the_loop_answers(
    case: Case, worker: ParseWorker, store: Store
) -> None:
    data = case.build()
    started = time.perf_counter()
    async with LoopProbe() as probe:
        try:
            outcome: Article | ReelError = await worker.parse(data, source="hostile.html")
        except ReelError as error:
            outcome = error
    elapsed = time.perf_counter() - started

    case.check(outcome)
    assert elapsed < PARSE_TIMEOUT
    assert probe.kept_answering(), str(probe)
    if isinstance(outcome, Article):
        assert_safe(outcome)
        stored = await store.ingest_article(outcome, content_hash=case.name)
        assert stored.new_reactions == len(outcome.reactions)


async def test_oversized_input_is_refused_before_any_parsing() -> None:
    fresh = ParseWorker()
    data = b"<p>" + b"word " * (12 * MB // 5)
    try:
        with pytest.raises(ParseError, match=r"at most 5\.0 MB"):
            await fresh.parse(data)
        assert fresh.pid is None
    finally:
        await fresh.close()
    with pytest.raises(ParseError, match=r"at most 5\.0 MB"):
        parse(data)
    with pytest.raises(ParseError, match=r"at most 5\.0 MB"):
        parse("x" * (MAX_INPUT_BYTES + 1))


# The inputs that were quadratic, in-process: 5 to 30 s each before, milliseconds now.
QUADRATIC = {
    "unfinished-tags": lambda: "<!doctype html><html><body>" + "<a" * 50_000,
    "dashes-in-a-paragraph": lambda: "Reactions\n\n" + "-- a " * 20_000,
    "unclosed-tags-in-embed-json": lambda: page(substack({"full_text": "<" * 200_000})),
    "long-word-where-a-date-goes": lambda: page(tweet(1).replace("January 1, 2024", "a" * 50_000)),
    "mastodon-addresses-in-a-paragraph": lambda: "Reactions\n\n— x " + "@a@" + "a." * 200_000,
    "handles-in-parentheses-in-a-paragraph": lambda: "Reactions\n\n— x " + "(@a@b.c " * 100_000,
    "embed-sniff-of-unfinished-iframes": lambda: "Reactions\n\n" + "<iframe " * 200_000,
}


@pytest.mark.parametrize("build", QUADRATIC.values(), ids=QUADRATIC.keys())
def test_formerly_quadratic_inputs_parse_in_linear_time(build: Callable[[], str]) -> None:
    document = build()
    started = time.perf_counter()
    with contextlib.suppress(ReelError):
        parse(document, movie="12th Fail")
    assert time.perf_counter() - started < 3.0


# Output caps.


def test_reactions_per_article_are_capped_in_page_order() -> None:
    article = parse(page(*(tweet(n) for n in range(MAX_REACTIONS + 50))))

    assert len(article.reactions) == MAX_REACTIONS
    assert article.reactions[-1].handle == f"fan{MAX_REACTIONS - 1}"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("one two three four", 12, "one two…"),
        ("x" * 20, 10, "x" * 9 + "…"),
        ("word " * 3, 15, "word word word "),
    ],
    ids=["fits", "on-a-word", "one-long-word", "exactly-at-the-limit"],
)
def test_long_text_is_cut_on_a_word_with_an_ellipsis(text: str, limit: int, expected: str) -> None:
    assert cap_text(text, limit) == expected
    assert len(cap_text(text, limit)) <= limit


async def test_posts_equal_after_the_cut_are_one_reaction(store: Store) -> None:
    # Posts without a link are told apart by their text: the same once cut.
    long = "word " * 2_000
    attribution = "— Fan (@fan) January 1, 2024"
    document = f"Reactions to 12th Fail\n\n{long}one\n\n{attribution}\n\n{long}two\n\n{attribution}"
    article = parse(document, movie="12th Fail")

    assert len(article.reactions) == 1
    result = await store.ingest_article(article, content_hash="cut")
    assert result.new_reactions == 1


def test_over_long_identifiers_are_dropped_not_cut() -> None:
    attrs = {
        "full_text": "A fine film.",
        "name": "N" * 1_000,
        "username": "h" * 500,
        "url": "https://twitter.com/fan/status/" + "1" * 3_000,
    }
    (reaction,) = parse(page(substack(attrs))).reactions

    assert reaction.author_name is not None
    assert len(reaction.author_name) <= 200
    assert reaction.handle is None
    assert reaction.url is None


# The linear rewrites agree with the patterns they replaced, on inputs small enough for those.

OLD_ATTRIBUTION = re.compile(
    r"(?P<before>.*?)\s*(?:—|–|&mdash;|--)\s*(?P<name>[^—–]*?)\s*"
    r"\(\s*@(?P<handle>[A-Za-z0-9_.-]{1,64}(?:@[A-Za-z0-9.-]{1,100})?)\s*\)"
    r"\s*(?P<tail>[^()]{0,80})$",
    re.DOTALL,
)
ATTRIBUTION_PARTS = st.sampled_from(
    [
        *("—", "–", "&mdash;", "--", "-", " ", "\n", "(", ")", "(@", "@", "Bo", "(@ab)"),
        *("( @x_1 )", "\u00a0", "&mdash", "x" * 85, "Jan 1, 2024", "https://t.co/a/status/1"),
        *("@a@b.social", "(@a.bsky.social)", "(@a@b.social)", "(@a-b.c)"),
    ]
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(ATTRIBUTION_PARTS | st.text(max_size=3), max_size=14))
def test_attribution_reader_matches_the_old_regex(parts: list[str]) -> None:
    paragraph = "".join(parts)
    old = OLD_ATTRIBUTION.match(paragraph)
    new = _attribution(paragraph)
    if old is None:
        # Only a bare Mastodon address (`— Name @user@instance`) reads without parentheses.
        assert new is None or "@" in new.handle
    else:
        assert new is not None
        assert (new.before, new.name, new.handle, new.tail) == (
            old["before"],
            old["name"],
            old["handle"],
            old["tail"],
        )


DATE_PARTS = st.sampled_from(
    [
        *("January", "jan", "Sept", "mars", ".", " ", "de", "5", "12", "th", ",", "2024"),
        *("x", "é", "_", "-", "2023-01-02", "abcdefghijklmno"),
    ]
)
OLD_MONTH = r"([^\W\d_]+)\.?"
OLD_DATES = (
    (re.compile(rf"{OLD_MONTH}\s+{clean._DAY},?\s+(\d{{4}})", re.IGNORECASE), (0, 1, 2)),
    (
        re.compile(rf"{clean._DAY}\s+(?:de\s+)?{OLD_MONTH}\s+(?:de\s+)?(\d{{4}})", re.IGNORECASE),
        (1, 0, 2),
    ),
)


def old_parse_date(text: str) -> str | None:
    for pattern, order in OLD_DATES:
        for match in pattern.finditer(text):
            name, day, year = (match.groups()[index] for index in order)
            month = clean._MONTHS.get(name.casefold())
            if month and (date := clean._build(year, month, day)):
                return date
    if iso := clean._ISO.search(text):
        return clean._build(iso[1], int(iso[2]), iso[3])
    return None


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(DATE_PARTS | st.text(max_size=2), max_size=12))
def test_dates_are_read_as_before_the_month_was_bounded(parts: list[str]) -> None:
    text = "".join(parts)
    assert clean.parse_date(text) == old_parse_date(text)


# Any bytes at all.

FRAGMENTS = [
    b"<!doctype html><html><body>",
    b'<blockquote class="twitter-tweet"><p>',
    b"</p>&mdash; Fan (@fan) ",
    b'<a href="https://twitter.com/fan/status/1234567890123456789">January 1, 2024</a>',
    b"</blockquote>",
    b'<div class="tweet" data-attrs="{&quot;full_text&quot;:&quot;\\ud800&quot;}">',
    b'<meta charset="utf-7">',
    b'<meta charset="shift_jis">',
    b"+2AA-",
    b"&#xD800;",
    b"<!--",
    b"<script>",
    b"<template>",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",
    b"Great film \xe2\x80\x94 Fan (@fan) Jan 1, 2024\n\n",
    b"<div>" * 50,
    *(markup.encode() for markup in other_platforms(1)),
    b'<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:x/app.bsky.feed.post/',
    b"3kshwutoic22b",
    b'<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@a/video/1"><section>',
    b'<blockquote class="instagram-media" data-instgrm-version="14">',
    b'<blockquote class="reddit-embed-bq"><a href="https://www.reddit.com/r/a/comments/b/comment/c/">',
    b'<iframe class="mastodon-embed" src="https://a.example/@b/1/embed">',
    b'<blockquote class="text-post-media" data-text-post-permalink="https://www.threads.com/@a/post/B">',
    b"[image or embed]</a></p>",
    "2025年2月11日 19:30 ♬ ".encode(),
    b"</section></blockquote>",
    b"&mdash; Fan (@fan.bsky.social) ",
    b"\xe2\x80\x94 Fan (@fan@toot.example) Mar 1, 2024\n\n",
]


MAX_FUZZ_BYTES = 64 * 1024


def repeated(chunk: bytes, times: int) -> bytes:
    """Return ``chunk`` repeated up to `MAX_FUZZ_BYTES` (Hypothesis draws short bytes)."""
    return (chunk * times)[:MAX_FUZZ_BYTES]


def random_bytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


FRAGMENT_SOUP = st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=24), max_size=60).map(
    b"".join
)
ANY_BYTES = st.one_of(
    st.binary(max_size=4_096),
    FRAGMENT_SOUP,
    st.builds(repeated, FRAGMENT_SOUP, st.integers(1, 2_000)),
    st.builds(repeated, st.binary(min_size=1, max_size=64), st.integers(1, MAX_FUZZ_BYTES)),
    st.builds(random_bytes, st.integers(0, 2**32), st.integers(0, MAX_FUZZ_BYTES)),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_BYTES)
def test_any_bytes_give_an_article_or_our_own_error(data: bytes) -> None:
    assert len(data) <= MAX_FUZZ_BYTES
    try:
        article = parse(data)
    except (ParseError, NoReactions):
        return
    assert_safe(article)
