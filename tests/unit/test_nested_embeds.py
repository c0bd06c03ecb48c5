"""An embed inside a post already read belongs to that post, however deep it lies."""

from __future__ import annotations

import pytest

from bot.parsing.html import extract_html


def tweet(number: int, inner: str = "") -> str:
    return (
        f'<blockquote class="twitter-tweet"><p lang="en">Post {number}.</p>{inner}'
        f"&mdash; Fan {number} (@fan{number}) "
        f'<a href="https://twitter.com/fan{number}/status/{10**18 + number}">'
        "January 1, 2024</a></blockquote>"
    )


def page(*parts: str) -> str:
    return f"<html><head><title>T</title></head><body>{''.join(parts)}</body></html>"


@pytest.mark.parametrize("depth", [1, 200], ids=["shallow", "past-the-walk"])
def test_a_quoted_post_belongs_to_the_post_around_it(depth: int) -> None:
    quoted = "<div>" * depth + tweet(2) + "</div>" * depth
    reactions = extract_html(page(tweet(1, quoted), tweet(3))).reactions

    assert [reaction.handle for reaction in reactions] == ["fan1", "fan3"]


@pytest.mark.parametrize("depth", [1, 200], ids=["shallow", "past-the-walk"])
def test_posts_side_by_side_are_each_read(depth: int) -> None:
    parts = ["<section>" + "<div>" * depth + tweet(n) + "</div>" * depth for n in range(3)]
    reactions = extract_html(page(*parts)).reactions

    assert [reaction.handle for reaction in reactions] == ["fan0", "fan1", "fan2"]
