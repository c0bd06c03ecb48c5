"""The platform registry: post URLs, profiles, handle shapes, ID dates, skipped summaries."""

from __future__ import annotations

import pytest

from bot.domain.models import SkippedPost
from bot.parsing.html_readers import READERS
from bot.platforms import PLATFORMS, describe_skipped, get, platform_for_handle, read_post_url
from bot.platforms.bluesky import tid_moment
from bot.platforms.twitter import snowflake_date

# (url, platform, handle, post id, url as kept)
POST_URLS: list[tuple[str, str, str | None, str, str]] = [
    (
        "https://twitter.com/Bo_1/status/1786055545451458617?s=21&t=x",
        "twitter",
        "Bo_1",
        "1786055545451458617",
        "https://twitter.com/Bo_1/status/1786055545451458617",
    ),
    (
        "https://x.com/bo/status/20",
        "twitter",
        "bo",
        "20",
        "https://x.com/bo/status/20",
    ),
    (
        "https://bsky.app/profile/did:plc:abc/post/3kshwutoic22b?ref_src=embed",
        "bluesky",
        "did:plc:abc",
        "3kshwutoic22b",
        "https://bsky.app/profile/did:plc:abc/post/3kshwutoic22b",
    ),
    (
        "https://www.tiktok.com/@a.b/video/7301234567890123456?lang=en",
        "tiktok",
        "a.b",
        "7301234567890123456",
        "https://www.tiktok.com/@a.b/video/7301234567890123456",
    ),
    (
        "https://www.tiktok.com/player/v1/7301234567890123456?music_info=1",
        "tiktok",
        None,
        "7301234567890123456",
        "https://www.tiktok.com/player/v1/7301234567890123456",
    ),
    (
        "https://www.instagram.com/p/Cx1Ab2Cd3Ef/?utm_source=ig_embed",
        "instagram",
        None,
        "Cx1Ab2Cd3Ef",
        "https://www.instagram.com/p/Cx1Ab2Cd3Ef/",
    ),
    (
        "https://www.reddit.com/r/films/comments/1abcdef/a_title/",
        "reddit",
        None,
        "1abcdef",
        "https://www.reddit.com/r/films/comments/1abcdef/a_title/",
    ),
    (
        "https://www.reddit.com/r/films/comments/1abcdef/comment/kq1w2e3/",
        "reddit",
        None,
        "kq1w2e3",
        "https://www.reddit.com/r/films/comments/1abcdef/comment/kq1w2e3/",
    ),
    (
        "https://chaos.example.social/@ez/113278801908610903",
        "mastodon",
        "ez",
        "113278801908610903",
        "https://chaos.example.social/@ez/113278801908610903",
    ),
    (
        "https://www.threads.com/@bbc.news/post/CuZrQ2osUpi?xmt=1",
        "threads",
        "bbc.news",
        "CuZrQ2osUpi",
        "https://www.threads.com/@bbc.news/post/CuZrQ2osUpi",
    ),
]


@pytest.mark.parametrize(
    ("url", "platform", "handle", "post_id", "kept"), POST_URLS, ids=[row[1] for row in POST_URLS]
)
def test_post_urls_name_their_platform_author_and_id(
    url: str, platform: str, handle: str | None, post_id: str, kept: str
) -> None:
    found = read_post_url(url)
    assert found is not None
    assert (found.platform, found.handle, found.post_id, found.url) == (
        platform,
        handle,
        post_id,
        kept,
    )


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "javascript:alert(1)",
        "https://twitter.com/intent/tweet?text=x",
        "https://www.instagram.com/nora.lind/",
        "https://www.tiktok.com/@someone",
        "https://medium.com/@writer/a-story-1234",
        "https://bsky.app/profile/a.bsky.social",
    ],
)
def test_links_that_are_not_posts_are_not_read_as_posts(url: str | None) -> None:
    assert read_post_url(url) is None


@pytest.mark.parametrize(
    ("platform", "handle", "profile"),
    [
        ("twitter", "@Bo_1", "https://x.com/Bo_1"),
        ("bluesky", "ada.bsky.social", "https://bsky.app/profile/ada.bsky.social"),
        ("instagram", "nora.lind", "https://www.instagram.com/nora.lind/"),
        ("tiktok", "queue.watcher", "https://www.tiktok.com/@queue.watcher"),
        ("reddit", "night_owl_42", "https://www.reddit.com/user/night_owl_42/"),
        ("mastodon", "ez@Chaos.Social", "https://chaos.social/@ez"),
        ("mastodon", "arstechnica", None),  # no instance: no known home
        ("threads", "bbc", "https://www.threads.com/@bbc"),
        ("twitter", "not a handle", None),
        ("bluesky", "[x](https://evil.example)", None),
    ],
)
def test_profiles_are_on_the_right_platform(
    platform: str, handle: str, profile: str | None
) -> None:
    found = get(platform)
    assert found is not None
    assert found.profile_url(handle) == profile


@pytest.mark.parametrize(
    ("handle", "platform"),
    [
        ("KrutiPatel2000", "twitter"),
        ("ada.bsky.social", "bluesky"),
        ("designreviewed.com", "bluesky"),
        ("ez@chaos.social", "mastodon"),
        ("has space", None),
    ],
)
def test_handle_shapes(handle: str, platform: str | None) -> None:
    found = platform_for_handle(handle)
    assert (found.name if found else None) == platform


def test_every_platform_with_embeds_has_a_reader_and_a_label() -> None:
    with_embeds = {platform.name for platform in PLATFORMS if platform.embed_selector}
    assert with_embeds == set(READERS)
    assert {platform.name: platform.label for platform in PLATFORMS} == {
        "bluesky": "Bluesky",
        "tiktok": "TikTok",
        "instagram": "Instagram",
        "reddit": "Reddit",
        "threads": "Threads",
        "mastodon": "Mastodon",
        "twitter": "X",
    }


def test_ids_encode_their_day() -> None:
    assert snowflake_date("1862204060138389630") == "2024-11-28"
    assert snowflake_date("20") is None  # before IDs held a time
    moment = tid_moment("3kshwuxmy5o2y")
    assert moment is not None
    assert moment.isoformat(timespec="minutes") == "2024-05-14T19:43+00:00"
    assert tid_moment("not-a-tid") is None


@pytest.mark.parametrize(
    ("platforms", "sentence"),
    [
        ([], ""),
        (["threads"], "1 Threads post has no text in the page"),
        (
            ["threads", "instagram", "threads"],
            "2 Threads posts and 1 Instagram post have no text in the page",
        ),
        (
            ["mastodon", "twitter", "tiktok", "mastodon"],
            "2 Mastodon posts, 1 X post and 1 TikTok post have no text in the page",
        ),
    ],
)
def test_skipped_posts_are_summed_up_in_a_sentence(platforms: list[str], sentence: str) -> None:
    assert describe_skipped(SkippedPost(platform=name) for name in platforms) == sentence
