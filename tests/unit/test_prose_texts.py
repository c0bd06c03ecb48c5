"""The page around the posts: read only when they are wanted, and its prose reuses the
paragraph texts read to find the article body, but never a text that held a script, a
style or a template, however many of them the body has."""

from __future__ import annotations

import pytest

from bot.domain.models import Reaction
from bot.parsing.html import extract_html


def article(paragraphs: int) -> str:
    body = "".join(
        f"<p>Paragraph {n} of the article, long enough to count.<script>var s{n} = 1;</script>"
        f"</p><p>Plain paragraph {n} of the article, also long enough.</p>"
        for n in range(paragraphs)
    )
    return f"<html><head><title>T</title></head><body><div>{body}</div></body></html>"


@pytest.mark.parametrize("paragraphs", [3, 3_000], ids=["few-scripts", "past-the-walk-budget"])
def test_script_text_never_reaches_the_prose(paragraphs: int) -> None:
    prose = extract_html(article(paragraphs)).prose

    assert "var s" not in prose
    assert prose.startswith(
        "Paragraph 0 of the article, long enough to count.\n\n"
        "Plain paragraph 0 of the article, also long enough.\n\n"
        "Paragraph 1 of the article, long enough to count."
    )


def test_the_page_is_read_only_when_its_posts_are_wanted() -> None:
    document = article(2).replace(
        "</div>",
        '<blockquote class="twitter-tweet"><p>Post.</p>&mdash; Fan (@fan) '
        '<a href="https://twitter.com/fan/status/1234567890123456789">Jan 1, 2024</a>'
        "</blockquote></div>",
    )
    shown: list[list[str | None]] = []

    def refuse(found: list[Reaction]) -> bool:
        shown.append([reaction.handle for reaction in found])
        return False

    skipped = extract_html(document, wants_page=refuse)
    read = extract_html(document, wants_page=lambda found: True)

    assert shown == [["fan"]]
    assert (skipped.title, skipped.published, skipped.prose) == (None, None, "")
    assert skipped.reactions == read.reactions
    assert read.title == "T"
    assert read.prose.startswith("Paragraph 0")
    assert read == extract_html(document)
