"""extract_html on small hand-written pages: one case per embed kind and per trap."""

from __future__ import annotations

import json
from html import escape
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import ParseError
from bot.domain.models import Reaction
from bot.parsing.html import extract_html

STATUS = "https://twitter.com/KrutiPatel2000/status/1741234567890123456"


def tweet(
    body: str,
    attribution: str = "&mdash; Kruti Patel (@KrutiPatel2000)",
    href: str = STATUS + "?ref_src=twsrc%5Etfw",
    shown_date: str = "January 1, 2024",
    classes: str = "twitter-tweet",
    extra: str = "",
) -> str:
    """Return classic embed code as Twitter hands it out (inline attribution)."""
    return (
        f'<blockquote class="{classes}"{extra}>{body}{attribution} '
        f'<a href="{href}">{shown_date}</a></blockquote>'
    )


def page(*parts: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{''.join(parts)}</body></html>"


def only_post(document: str) -> Reaction:
    (reaction,) = extract_html(document).reactions
    return reaction


def substack_card(attrs: dict[str, Any] | None, rendered: str) -> str:
    data = f' data-attrs="{escape(json.dumps(attrs))}"' if attrs is not None else ""
    return f'<div class="tweet"{data}>{rendered}</div>'


SUBSTACK_RENDERED = (
    '<a href="https://twitter.com/abebab/status/1535944902433026048?s=21&amp;t=x">'
    '<div class="tweet-header"><img class="tweet-user-avatar" alt="Twitter avatar for @Abebab">'
    '<span class="tweet-author-name">Abeba Birhane</span> <span class="tweet-author">@Abebab</span>'
    '</div>peak hype <span class="tweet-fake-link">@GaryMarcus</span>'
    '<div class="tweet-photos-container"><img class="tweet-photo" alt="Image"></div>'
    '<div class="quoted-tweet"><p><span class="quote-tweet-name">Q</span></p>quoted text</div></a>'
    '<a href="https://twitter.com/abebab/status/1535944902433026048?s=21&amp;t=x">'
    '<div class="tweet-footer"><p class="tweet-date">June 12th 2022</p>'
    '<span class="likes"><span class="like-count">356</span> Likes</span></div></a>'
)
SUBSTACK_ATTRS = {
    "url": "https://twitter.com/abebab/status/1535944902433026048?s=21&t=x",
    "full_text": 'peak hype\n\nreally <span class="tweet-fake-link">@GaryMarcus</span> &amp; co',
    "username": "Abebab",
    "name": "Abeba Birhane",
    "date": "Sun Jun 12 11:19:35 +0000 2022",
    "quoted_tweet": {"full_text": "quoted text", "username": "q"},
}

INSTAGRAM_PLACEHOLDER = (
    '<div style="padding:16px;"><a href="https://www.instagram.com/p/ByxilPNJK3M/?utm_source=ig_embed">'
    '<div style="padding-top: 8px;"><div>View this post on Instagram</div></div></a>'
)
INSTAGRAM_UNCAPTIONED = (
    '<blockquote class="instagram-media" data-instgrm-permalink='
    '"https://www.instagram.com/p/ByxilPNJK3M/?utm_source=ig_embed&amp;utm_campaign=loading"'
    f' data-instgrm-version="12">{INSTAGRAM_PLACEHOLDER}'
    '<p><a href="https://www.instagram.com/p/ByxilPNJK3M/">A post shared by Spice Girls'
    ' (@spicegirls)</a> on <time datetime="2019-06-16T14:30:55+00:00">Jun 16, 2019 at 7:30am'
    " PDT</time></p></div></blockquote>"
)
INSTAGRAM_CAPTIONED = (
    '<blockquote class="instagram-media" data-instgrm-captioned data-instgrm-permalink='
    '"https://www.instagram.com/reel/Co8jZX9vcLy/?utm_source=ig_embed" data-instgrm-version="14">'
    f"{INSTAGRAM_PLACEHOLDER}"
    '<p><a href="https://www.instagram.com/reel/Co8jZX9vcLy/">Saw 12th Fail today.<br>'
    "Still crying 😭 #12thFail</a></p>"
    '<p>Ein Beitrag geteilt von <a href="https://www.instagram.com/mohit/"> Mohit | मोहित</a>'
    ' (@mohit) am <time datetime="2018-08-18T02:09:06+00:00">Aug 17, 2018</time></p>'
    "</div></blockquote>"
)

POSTS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "classic-inline-mdash-attribution",
        tweet(
            '<p lang="en" dir="ltr">What a film! <a href="https://t.co/a">pic.twitter.com/a</a></p>'
        ),
        {
            "platform": "twitter",
            "text": "What a film! pic.twitter.com/a",
            "author_name": "Kruti Patel",
            "handle": "KrutiPatel2000",
            "date": "2024-01-01",
            "url": STATUS,
            "post_id": "1741234567890123456",
        },
    ),
    (
        "attribution-in-its-own-paragraph",
        '<blockquote class="twitter-tweet">\n<p dir="ltr" lang="en">Sound the klaxon, our ad'
        ' is here! <a href="https://twitter.com/hashtag/Xmas?src=hash">#Xmas</a></p>\n'
        "<p>— M&amp;S (@marksandspencer) <a href="
        '"https://twitter.com/marksandspencer/status/1719621634984759346?ref_src=x">'
        "November 1, 2023</a></p></blockquote>",
        {
            "text": "Sound the klaxon, our ad is here! #Xmas",
            "author_name": "M&S",
            "handle": "marksandspencer",
            "date": "2023-11-01",
        },
    ),
    (
        "multi-paragraph-text-joined-by-a-blank-line",
        "<blockquote class=twitter-tweet><p>FT: Zelensky is considering it.</p>\n"
        '<p>No decision yet… <a href="https://t.co/b">pic.twitter.com/b</a></p>\n'
        "<p>— MAKS 26 &#x1f1fa;&#x1f1e6; (@Maks_NAFO_FELLA) <a href="
        '"https://x.com/Maks_NAFO_FELLA/status/2078426619958501377">July 18, 2026</a></p>'
        "</blockquote>",
        {
            "text": "FT: Zelensky is considering it.\n\nNo decision yet… pic.twitter.com/b",
            "author_name": "MAKS 26 🇺🇦",
            "handle": "Maks_NAFO_FELLA",
        },
    ),
    (
        "br-is-a-line-break-and-double-br-a-blank-line",
        tweet("<p>on. meth. dot. com.<br><br>meth.<br>we’re. on. it.</p>"),
        {"text": "on. meth. dot. com.\n\nmeth.\nwe’re. on. it."},
    ),
    (
        "x-com-status-link",
        tweet("<p>Hello</p>", href="https://x.com/RT_com/status/2077693116711076122?ref_src=t"),
        {
            "platform": "twitter",
            "url": "https://x.com/RT_com/status/2077693116711076122",
            "post_id": "2077693116711076122",
        },
    ),
    (
        "tracking-query-removed",
        tweet("<p>Hello</p>", href=STATUS + "?s=21&amp;t=ncEQgno59MKl5OR6KJbz1A"),
        {"url": STATUS},
    ),
    (
        "german-date-with-data-lang",
        tweet(
            "<p>Merken.</p>",
            attribution="— Peter Wittkamp🐬 (@diktator)",
            href="https://twitter.com/diktator/status/1044502590266978309",
            shown_date="25. September 2018",
            extra=' data-lang="de"',
        ),
        {"author_name": "Peter Wittkamp🐬", "handle": "diktator", "date": "2018-09-25"},
    ),
    (
        "japanese-date",
        tweet("<p>&#x306A;&#x306B;&#x3053;&#x308C;</p>", shown_date="2019年1月26日"),
        {"text": "なにこれ", "date": "2019-01-26"},
    ),
    (
        "unknown-month-name-falls-back-to-the-tweet-id",
        tweet(
            "<p>Merhaba</p>",
            href="https://twitter.com/diktator/status/1044502590266978309",
            shown_date="25 Eylül 2018",
        ),
        {"date": "2018-09-25"},
    ),
    (
        "aligned-class-variant",
        tweet("<p>Centred</p>", classes="twitter-tweet tw-align-center"),
        {"text": "Centred", "handle": "KrutiPatel2000"},
    ),
    (
        "twitter-video-embed",
        tweet("<p>Watch this</p>", classes="twitter-video"),
        {"text": "Watch this", "post_id": "1741234567890123456"},
    ),
    (
        "no-handle-shown-uses-the-status-url",
        tweet("<p>Hi</p>", attribution="&mdash; Kruti Patel"),
        {"author_name": "Kruti Patel", "handle": "KrutiPatel2000"},
    ),
    (
        "hyphen-instead-of-an-em-dash-inline",
        '<blockquote class="twitter-tweet">Loved it - a lot - Raj (@raj) <a href='
        '"https://twitter.com/raj/status/1741234567890123456">March 3, 2024</a></blockquote>',
        {"text": "Loved it - a lot", "author_name": "Raj", "handle": "raj", "date": "2024-03-03"},
    ),
    (
        "hyphen-instead-of-an-em-dash-after-the-text",
        tweet("<p>Loved it</p>", attribution="- Raj (@raj)"),
        {"text": "Loved it", "author_name": "Raj", "handle": "raj"},
    ),
    (
        "date-as-plain-text-without-a-link",
        '<blockquote class="twitter-tweet"><p>Great</p>&mdash; Bo (@bo) 5. Januar 2024'
        "</blockquote>",
        {"text": "Great", "author_name": "Bo", "handle": "bo", "date": "2024-01-05", "url": None},
    ),
    (
        "link-only-embed-keeps-its-id",
        '<blockquote class="twitter-tweet" data-lang="de">'
        '<a href="https://twitter.com/BoxenIude/status/1862204060138389630">&nbsp;</a></blockquote>',
        {
            "text": "",
            "author_name": None,
            "handle": "BoxenIude",
            "date": "2024-11-28",  # no date shown: the day the status ID encodes
            "url": "https://twitter.com/BoxenIude/status/1862204060138389630",
            "post_id": "1862204060138389630",
        },
    ),
    (
        "nested-quoted-tweet-excluded",
        tweet(
            "<p>Outer take</p>"
            + tweet("<p>Inner quoted</p>", href="https://twitter.com/q/status/1111111111111111111")
        ),
        {"text": "Outer take", "post_id": "1741234567890123456"},
    ),
    (
        "image-alt-excluded-but-emoji-images-kept",
        tweet(
            '<p>So good <img class="emoji" alt="🔥" src="e.png"> <img alt="Image" src="p.jpg">'
            "ok</p>"
        ),
        {"text": "So good 🔥 ok"},
    ),
    (
        "wordpress-figure-wrapper",
        '<figure class="wp-block-embed-twitter wp-block-embed is-provider-twitter">'
        '<div class="wp-block-embed__wrapper">'
        + tweet("<p>Friendly faces</p>", attribution="&mdash; South Park (@SouthPark)")
        + "<script async src='https://platform.twitter.com/widgets.js'></script></div></figure>",
        {"text": "Friendly faces", "author_name": "South Park", "handle": "SouthPark"},
    ),
    (
        "amp-twitter-with-a-status-url",
        "<amp-twitter width=400 height=500 layout=responsive "
        'data-tweetid="https://twitter.com/JuanMa_Moreno/status/2075543942469238989"></amp-twitter>',
        {
            "text": "",
            "handle": "JuanMa_Moreno",
            "url": "https://twitter.com/JuanMa_Moreno/status/2075543942469238989",
            "post_id": "2075543942469238989",
        },
    ),
    (
        "amp-twitter-with-a-numeric-id",
        '<amp-twitter data-tweetid="1311697819384844290"></amp-twitter>',
        {"text": "", "url": None, "handle": None, "post_id": "1311697819384844290"},
    ),
    (
        "amp-twitter-with-a-placeholder-blockquote",
        '<amp-twitter data-tweetid="1741234567890123456">'
        + tweet("<p>Placeholder text</p>", extra=" placeholder")
        + "</amp-twitter>",
        {"text": "Placeholder text", "post_id": "1741234567890123456"},
    ),
    (
        "id-only-widget",
        '<figure class="widget__figure"><div class="widget__tweet" '
        'data-tweet-id="2007489108059533390"></div></figure>',
        {"text": "", "url": None, "post_id": "2007489108059533390"},
    ),
    (
        "rendered-iframe-is-one-post",
        '<div class="twitter-tweet twitter-tweet-rendered"><iframe title="Twitter Tweet" '
        'src="./Tweet.html" data-tweet-id="1521523341391282176"></iframe></div>',
        {"text": "", "post_id": "1521523341391282176"},
    ),
    (
        "substack-card-from-data-attrs",
        substack_card(SUBSTACK_ATTRS, SUBSTACK_RENDERED),
        {
            "text": "peak hype\n\nreally @GaryMarcus & co",
            "author_name": "Abeba Birhane",
            "handle": "Abebab",
            "date": "2022-06-12",
            "url": "https://twitter.com/abebab/status/1535944902433026048",
            "post_id": "1535944902433026048",
        },
    ),
    (
        "substack-card-rendered-only-excludes-quote-photo-and-footer",
        substack_card(None, SUBSTACK_RENDERED),
        {"text": "peak hype @GaryMarcus", "handle": "Abebab", "date": "2022-06-12"},
    ),
    (
        "instagram-without-caption",
        INSTAGRAM_UNCAPTIONED,
        {
            "platform": "instagram",
            "text": "",
            "author_name": "Spice Girls",
            "handle": "spicegirls",
            "date": "2019-06-16",
            "url": "https://www.instagram.com/p/ByxilPNJK3M/",
            "post_id": "ByxilPNJK3M",
        },
    ),
    (
        "instagram-caption-is-the-text",
        INSTAGRAM_CAPTIONED,
        {
            "platform": "instagram",
            "text": "Saw 12th Fail today.\nStill crying 😭 #12thFail",
            "author_name": "Mohit | मोहित",
            "handle": "mohit",
            "date": "2018-08-18",
            "url": "https://www.instagram.com/reel/Co8jZX9vcLy/",
            "post_id": "Co8jZX9vcLy",
        },
    ),
]


@pytest.mark.parametrize(("markup", "expected"), [c[1:] for c in POSTS], ids=[c[0] for c in POSTS])
def test_embedded_post_is_read(markup: str, expected: dict[str, Any]) -> None:
    reaction = only_post(page("<p>Intro.</p>", markup, "<p>Outro.</p>"))
    assert {key: getattr(reaction, key) for key in expected} == expected


REAL_POST = tweet("<p>The real one</p>")
IGNORED: list[tuple[str, str]] = [
    (
        "escaped-copy-in-a-script",
        '<script>window.content = {"html": "<blockquote class=\\"twitter-tweet\\"><p>copy</p>'
        '&mdash; A (@a) <a href=\\"https://twitter.com/a/status/1\\">x</a></blockquote>"};'
        "</script>",
    ),
    (
        "markup-inside-a-script-template",
        f'<script type="text/template">{tweet("<p>c</p>")}</script>',
    ),
    ("noscript-copy", f"<noscript>{tweet('<p>copy</p>')}</noscript>"),
    ("template-copy", f"<template>{tweet('<p>copy</p>')}</template>"),
    ("comment-copy", f"<!-- {tweet('<p>copy</p>')} -->"),
    ("style-text", "<style>.twitter-tweet { color: red }</style>"),
    (
        "quote-blocks-that-are-not-posts",
        '<blockquote class="wp-block-quote"><p>An excerpt.<br><br>More.</p></blockquote>'
        '<blockquote cite="https://www.facebook.com/x/" class="fb-xfbml-parse-ignore">'
        '<a href="https://www.facebook.com/x/">Page</a></blockquote>'
        "<blockquote><p>“I felt the ground shift.”</p></blockquote>",
    ),
    ("a-status-link-in-prose", '<p>See <a href="https://x.com/a/status/123">this</a>.</p>'),
    ("a-div-called-tweet", '<div class="tweet"><p>Tweet this quote!</p></div>'),
]


@pytest.mark.parametrize("markup", [c[1] for c in IGNORED], ids=[c[0] for c in IGNORED])
def test_things_that_are_not_posts_are_ignored(markup: str) -> None:
    reactions = extract_html(page(markup, REAL_POST)).reactions
    assert [r.text for r in reactions] == ["The real one"]


def test_unclosed_comment_hides_the_rest_of_the_page() -> None:
    assert extract_html(page(f"<!-- {REAL_POST}")).reactions == []


def test_posts_come_in_page_order_across_kinds() -> None:
    document = page(
        INSTAGRAM_UNCAPTIONED,
        "<p>Between.</p>",
        '<div data-tweet-id="2007489108059533390"></div>',
        substack_card(SUBSTACK_ATTRS, SUBSTACK_RENDERED),
        REAL_POST,
        REAL_POST,  # the same post twice is kept twice here; parse() de-duplicates
    )
    assert [r.post_id for r in extract_html(document).reactions] == [
        "ByxilPNJK3M",
        "2007489108059533390",
        "1535944902433026048",
        "1741234567890123456",
        "1741234567890123456",
    ]


TITLES: list[tuple[str, str, str | None]] = [
    (
        "og-title-first",
        page("<h1>H</h1>", head='<title>T</title><meta property="og:title" content=" OG  T ">'),
        "OG T",
    ),
    (
        "title-element-collapsed",
        page("<h1>H</h1>", head="<title>\n  A   title \n</title>"),
        "A title",
    ),
    ("first-h1-without-title", page("<h1> First </h1><h1>Second</h1>"), "First"),
    ("og-title-in-the-body", page('<meta property="og:title" content="Late">'), "Late"),
    ("none", page("<p>Just text.</p>"), None),
]


@pytest.mark.parametrize(("document", "title"), [c[1:] for c in TITLES], ids=[c[0] for c in TITLES])
def test_title(document: str, title: str | None) -> None:
    assert extract_html(document).title == title


PUBLISHED: list[tuple[str, str, str | None]] = [
    (
        "article-published-time",
        page(head='<meta property="article:published_time" content="2024-01-03T10:00:00+05:30">'),
        "2024-01-03",
    ),
    (
        "json-ld-date-published",
        page(
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "2019-11-19T01:19:34.819Z"}</script>'
        ),
        "2019-11-19",
    ),
    (
        "time-datetime-in-the-article",
        page(
            '<article><time datetime="2022-05-03T13:32:45">May 3</time><p>'
            + "Body text of the article. " * 5
            + "</p></article>"
        ),
        "2022-05-03",
    ),
    ("meta-pubdate", page(head='<meta name="pubdate" content="2020-09-28">'), "2020-09-28"),
    ("none", page("<p>No date here.</p>"), None),
]


@pytest.mark.parametrize(
    ("document", "published"), [c[1:] for c in PUBLISHED], ids=[c[0] for c in PUBLISHED]
)
def test_published(document: str, published: str | None) -> None:
    assert extract_html(document).published == published


def test_prose_holds_headline_and_paragraphs_but_not_posts_or_scripts() -> None:
    document = page(
        "<nav><p>Home</p></nav>",
        "<header><h1>How the internet reacted to 12th Fail</h1></header>",
        '<div class="entry-content">',
        "<p>Spoiler warning: this piece discusses the ending.</p>",
        "<p>Fans of the movie <b>12th Fail</b> were moved.<script>var ad = 1;</script></p>",
        tweet("<p>Tweet text is not prose</p>"),
        "<h2>More reactions</h2>",
        "</div>",
        "<footer><p>© Site</p></footer>",
    )
    assert extract_html(document).prose == (
        "How the internet reacted to 12th Fail\n\n"
        "Spoiler warning: this piece discusses the ending.\n\n"
        "Fans of the movie 12th Fail were moved.\n\n"
        "More reactions"
    )


def test_prose_is_capped() -> None:
    document = page("<div>", *(f"<p>{'Paragraph of prose. ' * 50}{i}</p>" for i in range(100)))
    prose = extract_html(document).prose
    assert 19_000 < len(prose) <= 20_000


HOSTILE: list[tuple[str, str]] = [
    ("empty", ""),
    ("not-html", "just some text"),
    ("garbage", "<<<>>><!<?<//\x01 &#xffffffff; &#0; &#xd800; </x></y>"),
    ("lone-surrogates", tweet("<p>a\ud800b\udfff</p>")),
    ("nul-characters", tweet("<p>a\x00b</p>")),
    ("huge-attribute", f'<div data-x="{"a" * 2_000_000}">{tweet("<p>x</p>")}</div>'),
    (
        "bad-json-in-data-attrs",
        substack_card(None, "").replace('class="tweet"', 'class="tweet" data-attrs="{['),
    ),
    ("deep-json-in-data-attrs", f'<div class="tweet" data-attrs="{"[" * 50_000}"></div>'),
    ("bad-urls", tweet("<p>x</p>", href="http://[::1") + '<div data-tweet-id="' + "9" * 500 + '">'),
    ("huge-tweet-id", tweet("<p>x</p>", href="https://twitter.com/a/status/" + "9" * 30)),
    ("frameset", "<frameset><frame src=x></frameset>"),
    (
        "svg-and-math",
        f"<svg>{tweet('<p>x</p>')}</svg><math><mi class='twitter-tweet'>y</mi></math>",
    ),
    ("many-flat-options", "<select>" + "<option>o" * 30_000),
    ("nested-links", '<blockquote class="twitter-tweet">' + "<a href=x>" * 30_000),
]


@pytest.mark.parametrize("document", [c[1] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_markup_never_raises(document: str) -> None:
    extract = extract_html(document)
    assert isinstance(extract.prose, str)


@pytest.mark.parametrize(
    "document",
    ["<div>" * 100_000, '<blockquote class="twitter-tweet">' * 50_000, "<ul><li>" * 30_000],
    ids=["divs", "tweets", "lists"],
)
def test_absurdly_deep_nesting_is_a_parse_error(document: str) -> None:
    with pytest.raises(ParseError):
        extract_html(document)


FRAGMENTS = [
    '<blockquote class="twitter-tweet">',
    "</blockquote>",
    "<p>",
    "</p>",
    "<br>",
    "&mdash; A (@a) ",
    '<a href="https://twitter.com/a/status/1234567890123456789?s=1">',
    "</a>",
    "January 1, 2024",
    '<div class="tweet" data-attrs="{&quot;full_text&quot;:&quot;x&quot;}">',
    '<div class="tweet-header">',
    "</div>",
    '<blockquote class="instagram-media">',
    '<time datetime="2020-01-01">',
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<noscript>",
    '<amp-twitter data-tweetid="1">',
    '<iframe data-tweet-id="5">',
    "<svg>",
    "<table><td>",
    "<h1>",
    '<meta property="og:title" content="t">',
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=60))
def test_any_mix_of_embed_fragments_parses(parts: list[str]) -> None:
    extract = extract_html("".join(parts))
    assert all(reaction.text or reaction.post_id for reaction in extract.reactions)
