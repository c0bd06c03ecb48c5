"""The repository's own fixture articles parse to their hand-written expected results.

The pages under tests/fixtures/articles are small and invented, but each reproduces the
markup, attributes and traps of a kind of real page (the shared corpus's SOURCES.md lists
them). KINDS below names every kind and the fixture that shows it, so a fixture that loses
its markup, or a kind with no fixture, fails here rather than going unnoticed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.domain.errors import NoReactions
from bot.parsing import parse
from tests.corpus import FIXTURES, article_for, assert_parses_to_expected, fixture_expected_files

# kind -> (fixture file, a pattern its raw markup must hold). Patterns are matched on the
# file's bytes read as Latin-1, so they see the page exactly as stored, encoding and all
# (a UTF-8 "ä" is "\xc3\xa4" there).
KINDS: dict[str, tuple[str, str]] = {
    "classic blockquote, attribution in its own <p>": (
        "classic-attribution-paragraph.html",
        r'<p>&mdash; [^<]+\(@\w+\) <a href="https://twitter\.com/\w+/status/\d+\?ref_src=',
    ),
    "classic blockquote, inline &mdash; attribution": (
        "classic-inline-script-copies.html",
        r"</p>&mdash; [^<]+\(@\w+\) <a href=",
    ),
    "?ref_src tracking query on status links": (
        "classic-attribution-paragraph.html",
        r"/status/\d+\?ref_src=twsrc%5Etfw",
    ),
    "data-conversation=none": ("classic-attribution-paragraph.html", r'data-conversation="none"'),
    "multi-paragraph post with <br> lines": (
        "classic-attribution-paragraph.html",
        r"<p>1\. Never trust a ferryman<br>",
    ),
    "x.com status links and platform.x.com widgets.js": (
        "x-com-links.html",
        r'href="https://x\.com/\w+/status/\d+\?ref_src=[^"]*".*platform\.x\.com/widgets\.js',
    ),
    "emoji written as hex entities, ZWJ sequence in a name": (
        "x-com-links.html",
        r"&#x1f3f4;&#x200d;&#x2620;&#xfe0f;",
    ),
    "WordPress figure.wp-block-embed-twitter wrapper": (
        "wordpress-embed-figure.html",
        r'<figure class="wp-block-embed-twitter[^"]*"><div class="wp-block-embed__wrapper">\s*'
        r'<blockquote class="twitter-tweet"',
    ),
    "Substack div.tweet card with data-attrs JSON": (
        "substack-tweet-cards.html",
        r'<div class="tweet" data-attrs="\{&quot;url&quot;.*&quot;full_text&quot;',
    ),
    "Substack quoted tweet inside a card": ("substack-tweet-cards.html", r'class="quoted-tweet"'),
    "Substack photo with alt text": ("substack-tweet-cards.html", r'class="tweet-photo"[^>]*alt='),
    "amp-twitter with a full status URL in data-tweetid": (
        "amp-twitter.html",
        r'<amp-twitter [^>]*data-tweetid="https://twitter\.com/\w+/status/\d+"></amp-twitter>',
    ),
    "amp-twitter with a placeholder blockquote": (
        "amp-twitter.html",
        r"<amp-twitter [^>]*data-tweetid=\d+><blockquote placeholder",
    ),
    "x.com URLs in JSON-LD only (not embeds)": (
        "amp-twitter.html",
        r'"CreativeWork","url":"https://x\.com/',
    ),
    "ID-only widget (no text: left out)": (
        "id-only-widgets.html",
        r'<div class="widget__tweet" data-tweet-id="\d+"></div>',
    ),
    "rendered iframe with data-tweet-id (no text: left out)": (
        "rendered-iframes.html",
        r'<div class="twitter-tweet twitter-tweet-rendered"[^>]*><iframe [^>]*data-tweet-id="\d+"',
    ),
    "link-only blockquote (no text: left out)": (
        "link-only.html",
        r'<blockquote class="twitter-tweet"[^>]*><a href="https://twitter\.com/\w+/status/\d+">'
        r"&nbsp;</a></blockquote>",
    ),
    "Instagram embed with a caption": (
        "instagram-embeds.html",
        r"<blockquote class=\"instagram-media\" data-instgrm-captioned ",
    ),
    "Instagram embed without a caption (left out)": (
        "instagram-embeds.html",
        r'<blockquote class="instagram-media" data-instgrm-permalink=',
    ),
    "Instagram <time datetime> and a German attribution": (
        "instagram-embeds.html",
        r"Ein Beitrag geteilt von <a [^>]+>[^<]+</a> \(@[\w.]+\) am <time [^>]*datetime=",
    ),
    "German embed dates": ("classic-german-dates.html", r">\d{1,2}\. M\xc3\xa4rz \d{4}</a>"),
    "French embed dates": ("x-com-links.html", r">\d{1,2} juin \d{4}</a>"),
    "Spanish embed dates": ("rendered-iframes.html", r">\d{1,2} de marzo de \d{4}</a>"),
    "Japanese embed dates": ("charset-shift-jis.html", "\x94N"),  # 年 in Shift_JIS
    "bidi isolates around a mention": ("classic-german-dates.html", "\xe2\x81\xa6<a "),
    "declared windows-1252 charset, bytes in it": (
        "charset-windows-1252.html",
        r"charset=windows-1252.*\x97 ",
    ),
    "declared Shift_JIS charset, Japanese bytes": (
        "charset-shift-jis.html",
        r'<meta charset="Shift_JIS">.*\x81\x5c ',
    ),
    "Japanese as numeric entities under a stale EUC-JP declaration": (
        "japanese-entities-euc-jp.html",
        r"charset=EUC-JP.*<p lang=\"ja\" dir=\"ltr\">&#x[0-9A-F]{4};",
    ),
    "U+3000 ideographic space in text and names": ("japanese-entities-euc-jp.html", r"&#x3000;"),
    "copies of embeds inside <script> JSON": (
        "classic-inline-script-copies.html",
        r'<script>[^<]*"html":"<blockquote class=\\"twitter-tweet\\">',
    ),
    "a copy inside <template>": (
        "classic-inline-script-copies.html",
        r'<template[^>]*><blockquote class="twitter-tweet">',
    ),
    "a copy inside <noscript>": (
        "classic-inline-script-copies.html",
        r'<noscript><blockquote class="twitter-tweet">',
    ),
    "an article body copied into a preload <script>": (
        "substack-tweet-cards.html",
        r"<script>window\._preloads\s*=.*data-attrs",
    ),
    "the same post embedded twice": (
        "japanese-entities-euc-jp.html",
        r"(status/1091900000000000001).*\1",
    ),
    "quotes that are not posts (WordPress, Facebook)": (
        "wordpress-embed-figure.html",
        r'<blockquote class="wp-block-quote">.*<blockquote [^>]*class="fb-xfbml-parse-ignore"',
    ),
    "a WordPress link card that is not a post": (
        "x-com-links.html",
        r'<blockquote class="wp-embedded-content"',
    ),
    "empty non-post blockquotes": ("japanese-entities-euc-jp.html", r'<blockquote id="quote1">'),
    "ad slots between embeds": ("wordpress-embed-figure.html", r"<!--MONUMETRIC"),
    "movie from 'the movie X'": ("classic-attribution-paragraph.html", r"the movie Lanterns"),
    "movie from 'the film X'": ("x-com-links.html", r"the film The Salt Road"),
    "movie from the headline": ("classic-inline-script-copies.html", r"<h1>How viewers reacted"),
    "movie from the hashtag the posts share": (
        "wordpress-embed-figure.html",
        r"(#NightTrainToVela</a>).*\1",
    ),
    "spoiler warning": ("plain-text-attribution-lines.txt", r"Spoiler warning:"),
    "spoiler-free article": ("classic-inline-script-copies.html", r"spoiler-free"),
    "published date in <time datetime>": (
        "wordpress-embed-figure.html",
        r'<time class="thetime" datetime=',
    ),
    "published date in JSON-LD": ("classic-inline-script-copies.html", r'"datePublished":'),
    "plain text with '- Name (@handle) Date' lines": (
        "plain-text-attribution-lines.txt",
        r"\xe2\x80\x94 [^\n]+ \(@\w+\) [A-Z][a-z]+ \d{1,2}, \d{4}",
    ),
    "plain text ADVERTISEMENT and 'Twitter' lines": (
        "plain-text-attribution-lines.txt",
        r"\n\nADVERTISEMENT\n\nTwitter\n\n",
    ),
}


@pytest.mark.parametrize("expected_path", fixture_expected_files(), ids=lambda p: p.stem)
def test_fixture_parses_to_expected(expected_path: Path) -> None:
    assert_parses_to_expected(expected_path)


@pytest.mark.parametrize("expected_path", fixture_expected_files(), ids=lambda p: p.stem)
def test_fixture_texts_keep_their_paragraph_breaks(expected_path: Path) -> None:
    # The shared corpus's files collapse white space; these are written the way the
    # `parse` contract prints texts (docs/parse-json.md), so they are compared as they are.
    entries = json.loads(expected_path.read_text(encoding="utf-8"))
    if isinstance(entries, dict):
        entries = entries["reactions"]
    want: list[str] = []
    seen: set[str] = set()
    for entry in entries:  # a post embedded twice is listed twice, and parsed once
        key = entry.get("post_id") or entry["text"]
        if entry["text"] is not None and key not in seen:
            seen.add(key)
            want.append(entry["text"])
    try:
        got = [
            reaction.text for reaction in parse(article_for(expected_path).read_bytes()).reactions
        ]
    except NoReactions:
        got = []
    assert got == want


def test_the_fixture_set_is_there() -> None:
    articles = {article_for(path).name for path in fixture_expected_files()}
    assert len(articles) >= 14, f"fixture articles missing from {FIXTURES}"


@pytest.mark.parametrize("kind", KINDS)
def test_each_markup_kind_has_a_fixture(kind: str) -> None:
    name, pattern = KINDS[kind]
    article = FIXTURES / name
    expected = FIXTURES / (name.rsplit(".", 1)[0] + ".expected.json")
    assert expected.exists(), f"{name} has no expected file"
    markup = article.read_bytes().decode("latin-1")
    assert re.search(pattern, markup, re.DOTALL), f"{name} no longer shows: {kind}"


def test_every_fixture_is_small_and_listed() -> None:
    # Each fixture stays a few KB, and each one is there for a kind named above.
    used = {name for name, _ in KINDS.values()}
    for expected in fixture_expected_files():
        article = article_for(expected)
        assert article.stat().st_size < 10_000, f"{article.name} is no longer small"
        assert article.name in used, f"{article.name} shows no kind listed in KINDS"
