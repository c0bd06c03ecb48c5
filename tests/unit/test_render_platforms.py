"""Each platform renders as itself: profile link, platform in the footer, skipped posts said."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.discord_ui.render import reaction_embed
from bot.discord_ui.render_admin import preview_embeds
from bot.domain.records import Movie, StoredReaction
from bot.parsing import parse
from bot.services.intake import PreparedArticle

MOVIE = Movie(id=1, title="Harbour Lights", slug="harbourlights")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms"


def stored(platform: str, handle: str | None, url: str | None) -> StoredReaction:
    return StoredReaction(
        id=7,
        movie_id=1,
        platform=platform,
        text="Loved it",
        author_name="Jo",
        handle=handle,
        date="2024-05-14",
        url=url,
        spoiler=True,
    )


@pytest.mark.parametrize(
    ("platform", "handle", "url", "author_url", "label"),
    [
        (
            "bluesky",
            "jo.bsky.social",
            "https://bsky.app/profile/did:plc:x/post/3kshwutoic22b",
            "https://bsky.app/profile/did:plc:x/post/3kshwutoic22b",
            "Bluesky",
        ),
        ("bluesky", "jo.bsky.social", None, "https://bsky.app/profile/jo.bsky.social", "Bluesky"),
        ("tiktok", "jo.films", None, "https://www.tiktok.com/@jo.films", "TikTok"),
        ("reddit", "jo_42", None, "https://www.reddit.com/user/jo_42/", "Reddit"),
        ("mastodon", "jo@toot.example", None, "https://toot.example/@jo", "Mastodon"),
        ("mastodon", "jo", None, None, "Mastodon"),
        ("threads", "jo", None, "https://www.threads.com/@jo", "Threads"),
        ("instagram", "jo.lind", None, "https://www.instagram.com/jo.lind/", "Instagram"),
        ("twitter", "jo_1", None, "https://x.com/jo_1", "X"),
    ],
)
def test_author_links_to_the_post_or_the_right_profile_and_footer_names_the_platform(
    platform: str, handle: str, url: str | None, author_url: str | None, label: str
) -> None:
    embed = reaction_embed(
        stored(platform, handle, url), movie=MOVIE, number=1, total=2, spoiler=True
    )
    assert embed.author.url == author_url
    assert embed.author.name == f"Jo (@{handle})"
    assert embed.footer.text == f"Harbour Lights · 1 of 2 · {label} · id 7"


def test_an_unknown_platform_is_named_as_stored_and_links_nowhere() -> None:
    embed = reaction_embed(stored("myspace", "jo", None), movie=MOVIE, spoiler=True)
    assert embed.author.url is None
    assert embed.footer.text == "Harbour Lights · myspace · id 7"


def test_preview_says_which_posts_have_no_text() -> None:
    article = parse((FIXTURES / "mixed-platforms.html").read_bytes())
    summary, *samples = preview_embeds(PreparedArticle(article, content_hash="h", known=0))
    assert summary.description is not None
    assert "**Reactions:** 3 — 3 new, 0 already known" in summary.description
    assert "**Skipped:** 1 Threads post and 2 Mastodon posts have no text in the page" in (
        summary.description
    )
    assert [sample.footer.text.split(" · ")[2] for sample in samples if sample.footer.text] == [
        "X",
        "Bluesky",
        "X",
    ]


def test_preview_of_a_page_with_text_only_says_nothing_was_skipped() -> None:
    article = parse((FIXTURES / "tiktok-embeds.html").read_bytes().replace(b"player/v1", b"x"))
    summary = preview_embeds(PreparedArticle(article, content_hash="h", known=0))[0]
    assert summary.description is not None
    assert "Skipped" not in summary.description
