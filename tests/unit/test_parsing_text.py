import pytest

from bot.domain.errors import NoReactions, ParseError
from bot.parsing import parse
from bot.parsing.text import extract_text

ARTICLE = """\
Spoiler: this article talks about the ending of the movie Laapataa Ladies.

Here is what people said:

Loved every minute

Especially the ending — Ana (B) ✨ (@ana_b) March 2, 2024

ADVERTISEMENT

Twitter

What a film! https://t.co/x — Raj (@raj) 3 March 2024

Some closing prose that is not a post.
"""


def test_posts_span_paragraphs_and_keep_names_with_parentheses() -> None:
    reactions = extract_text(ARTICLE).reactions
    assert [r.text for r in reactions] == [
        "Loved every minute\n\nEspecially the ending",
        "What a film! https://t.co/x",
    ]
    assert reactions[0].author_name == "Ana (B) ✨"
    assert reactions[0].handle == "ana_b"
    assert reactions[0].date == "2024-03-02"
    assert reactions[1].date == "2024-03-03"


def test_movie_and_spoiler_found_in_the_prose() -> None:
    article = parse(ARTICLE)
    assert article.movie is not None
    assert (article.movie.title, article.movie.slug) == ("Laapataa Ladies", "laapataaladies")
    assert article.spoiler is True


def test_movie_option_wins_over_the_article() -> None:
    article = parse(ARTICLE, movie="  Some   Other Film ")
    assert article.movie is not None
    assert (article.movie.title, article.movie.slug) == ("Some Other Film", "someotherfilm")


def test_attribution_on_its_own_paragraph() -> None:
    text = "Great cast\n\n— Someone (@some1) January 5, 2024\n"
    (reaction,) = extract_text(text).reactions
    assert reaction.text == "Great cast"
    assert reaction.handle == "some1"


def test_status_url_in_attribution_is_kept_without_tracking() -> None:
    text = "Wow — Bo (@bo) https://x.com/bo/status/123?s=21 January 5, 2024"
    (reaction,) = extract_text(text).reactions
    assert reaction.url == "https://x.com/bo/status/123"
    assert reaction.post_id == "123"


def test_hashtag_names_the_movie_when_prose_does_not() -> None:
    text = "#DunePartTwo wow — A (@a) May 1, 2024\n\n#DunePartTwo yes — B (@b) May 1, 2024"
    article = parse(text)
    assert article.movie is not None
    assert article.movie.title == "Dune Part Two"
    assert article.spoiler is False


def test_no_posts_raises_no_reactions() -> None:
    with pytest.raises(NoReactions):
        parse("Just an essay about cinema.\n\nNo posts here.")


def test_binary_input_is_refused() -> None:
    with pytest.raises(ParseError):
        parse(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_same_post_twice_is_listed_once() -> None:
    post = "Same words — A (@a) May 1, 2024"
    assert len(parse(f"{post}\n\n{post}\n\nfrom the movie X.").reactions) == 1


def test_spoiler_free_article_is_not_flagged() -> None:
    text = "A spoiler-free roundup of the film Dune.\n\nGood — A (@a) May 1, 2024"
    assert parse(text).spoiler is False


def test_the_film_followed_by_a_verb_names_no_film() -> None:
    text = (
        "Here is what people said about the movie Paper Comets:\n\n"
        "Good — A (@a) May 1, 2024\n\n"
        "The film is streaming now."
    )
    movie = parse(text).movie
    assert movie is not None
    assert movie.title == "Paper Comets"
    only_verb = parse("The film is streaming now.\n\nGood — A (@a) May 1, 2024")
    assert only_verb.movie is None
