import pytest

from bot.domain.models import MovieRef, slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("12th Fail", "12thfail"),
        ("  Spider-Man: Across the Spider-Verse ", "spidermanacrossthespiderverse"),
        ("Amélie", "amelie"),
        ("天気の子", "天気の子"),
        ("RRR!!!", "rrr"),
    ],
    ids=["digits", "punctuation", "accents", "non-latin", "exclamation"],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_movie_ref_collapses_white_space() -> None:
    assert MovieRef.from_title(" 12th   Fail ") == MovieRef("12th Fail", "12thfail")
