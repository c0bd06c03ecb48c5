import pytest

from bot.domain.errors import UserError
from cogs.articles import parse_add_message, parse_spoilers
from cogs.reactions import split_page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com/a", ("https://example.com/a", None, None, "")),
        (
            "<https://example.com/a> movie: 12th Fail",
            ("https://example.com/a", "12th Fail", None, ""),
        ),
        ("movie: Dune spoilers: yes", (None, "Dune", True, "")),
        (" spoilers: no\nLine one\n\nLine two ", (None, None, False, "Line one\n\nLine two")),
        ("\nPasted — A (@a) May 1, 2024", (None, None, None, "Pasted — A (@a) May 1, 2024")),
    ],
    ids=["url", "angle-url-movie", "options-only", "paste-below", "paste-only"],
)
def test_prefix_add_message_is_split(text: str, expected: tuple[object, ...]) -> None:
    assert parse_add_message(text) == expected


@pytest.mark.parametrize("text", ["not-a-link", "ftp://example.com movie: X"], ids=["word", "ftp"])
def test_prefix_add_refuses_what_is_not_a_link(text: str) -> None:
    with pytest.raises(UserError, match="http"):
        parse_add_message(text)


def test_spoilers_option_reads_yes_and_no() -> None:
    assert parse_spoilers("YES") is True
    assert parse_spoilers("off") is False
    assert parse_spoilers(None) is None
    with pytest.raises(UserError):
        parse_spoilers("maybe")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12th fail", ("12th fail", 1)), ("12th fail 2", ("12th fail", 2)), ("1917", ("1917", 1))],
    ids=["title", "title-page", "number-title"],
)
def test_trailing_number_is_the_page(text: str, expected: tuple[str, int]) -> None:
    assert split_page(text) == expected
