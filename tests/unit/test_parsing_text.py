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


POST = "What a ride, still thinking about it — Ana (@ana_b) March 2, 2024"
OPENING = (
    "Denis Villeneuve's sequel opened this weekend. Critics praised the sound.\n\n"
    "Fans could not stop talking about it online."
)
# (case, article, movie title or None, text of the first post)
TITLES_AND_LEAD_INS: list[tuple[str, str, str | None, str]] = [
    (
        "colon-in-title-headline",
        f"Here's how the internet reacted to the movie Dune: Part Two\n\n{OPENING}\n\n{POST}",
        "Dune: Part Two",
        "What a ride, still thinking about it",
    ),
    (
        "hyphens-and-colon",
        f"Fans of the movie Spider-Man: Across the Spider-Verse are loud.\n\n{POST}",
        "Spider-Man: Across the Spider-Verse",
        "What a ride, still thinking about it",
    ),
    (
        "apostrophe-and-number",
        f"Everyone rewatched the film Ocean's 8 this week.\n\n{POST}",
        "Ocean's 8",
        "What a ride, still thinking about it",
    ),
    (
        "typographic-apostrophe",
        f"Everyone rewatched the film Ocean’s 8 this week.\n\n{POST}",
        "Ocean’s 8",
        "What a ride, still thinking about it",
    ),
    (
        "number-first",
        f"Reactions to the movie 12th Fail keep coming.\n\n{POST}",
        "12th Fail",
        "What a ride, still thinking about it",
    ),
    (
        "spaced-dash-subtitle",
        f"Here is the movie Mission: Impossible – Dead Reckoning Part One, reviewed.\n\n{POST}",
        "Mission: Impossible – Dead Reckoning Part One",
        "What a ride, still thinking about it",
    ),
    (
        "quoted-with-apostrophe",
        f"Twitter loved the film 'Ocean's 8' more than expected.\n\n{POST}",
        "Ocean's 8",
        "What a ride, still thinking about it",
    ),
    (
        "curly-quotes",
        f"The movie “Past Lives” made people cry.\n\n{POST}",
        "Past Lives",
        "What a ride, still thinking about it",
    ),
    (
        "possessive-is-not-the-title",
        f"Everyone discussed the film Barbie's ending.\n\n{POST}",
        "Barbie",
        "What a ride, still thinking about it",
    ),
    (
        "title-ends-before-lower-case-words",
        f"I saw the movie Dune on Friday with friends.\n\n{POST}",
        "Dune",
        "What a ride, still thinking about it",
    ),
    (
        "lower-case-title-still-read",
        f"We watched the movie amélie is what I said.\n\n{POST}",
        "amélie",
        "What a ride, still thinking about it",
    ),
    (
        "opening-prose-not-swallowed",
        f"Internet reacts\n\n{OPENING}\n\n{POST}",
        None,
        "What a ride, still thinking about it",
    ),
    (
        "bare-attribution-takes-one-paragraph",
        f"{OPENING}\n\nThis one made me cry\n\n— Ana (@ana_b) March 2, 2024",
        None,
        "This one made me cry",
    ),
    (
        "lead-in-line-opens-multi-paragraph-post",
        f"{OPENING}\n\nHere's how it reacted:\n\nFirst line\n\n{POST}",
        None,
        "First line\n\nWhat a ride, still thinking about it",
    ),
    (
        "noise-before-first-post-is-no-lead-in",
        f"{OPENING}\n\nADVERTISEMENT\n\nMore prose about the box office.\n\n{POST}",
        None,
        "What a ride, still thinking about it",
    ),
    (
        "no-opening-at-all",
        POST,
        None,
        "What a ride, still thinking about it",
    ),
    (
        "title-line-only-names-the-movie",
        f"How fans reacted to the movie Oppenheimer\n\n{POST}",
        "Oppenheimer",
        "What a ride, still thinking about it",
    ),
    (
        "quoted-reacted-to",
        f"Internet reacts to 'Inside Out 2'\n\n{OPENING}\n\n{POST}",
        "Inside Out 2",
        "What a ride, still thinking about it",
    ),
    (
        "accented-capital",
        f"A look back at the film Élite Squad: The Enemy Within.\n\n{POST}",
        "Élite Squad: The Enemy Within",
        "What a ride, still thinking about it",
    ),
    (
        "colon-lead-in-after-title",
        f"The movie Dune: Part Two is out.\n\nHere's what people said:\n\n{POST}",
        "Dune: Part Two",
        "What a ride, still thinking about it",
    ),
    (
        "hashtag-when-prose-names-nothing",
        "Opening words here.\n\n#PastLives so good — A (@a) May 1, 2024\n\n"
        "#PastLives wow — B (@b) May 2, 2024",
        "Past Lives",
        "#PastLives so good",
    ),
    (
        "small-words-inside-title",
        f"Everybody is quoting the movie Everything Everywhere All at Once today.\n\n{POST}",
        "Everything Everywhere All at Once",
        "What a ride, still thinking about it",
    ),
]


@pytest.mark.parametrize(
    ("article", "movie", "first_text"),
    [case[1:] for case in TITLES_AND_LEAD_INS],
    ids=[case[0] for case in TITLES_AND_LEAD_INS],
)
def test_titles_and_lead_ins(article: str, movie: str | None, first_text: str) -> None:
    parsed = parse(article)
    assert (parsed.movie.title if parsed.movie else None) == movie
    assert parsed.reactions[0].text == first_text


ATTRIBUTIONS: list[tuple[str, str, str, str, str | None]] = [
    ("x", "Wow — Bo (@bo_1) March 1, 2024", "twitter", "bo_1", "2024-03-01"),
    (
        "bluesky",
        "Wow — Bo (@bo.bsky.social) Mar 1, 2024",
        "bluesky",
        "bo.bsky.social",
        "2024-03-01",
    ),
    (
        "bluesky-hyphen",
        "Wow — Bo Lee (@bo-lee-films.bsky.social) Mar 1, 2024",
        "bluesky",
        "bo-lee-films.bsky.social",
        "2024-03-01",
    ),
    (
        "mastodon-in-parentheses",
        "Wow — Bo (@bo@films.social) Mar 1, 2024",
        "mastodon",
        "bo@films.social",
        "2024-03-01",
    ),
    (
        "mastodon-bare",
        "Wow — Bo @bo@films.social Mar 1, 2024",
        "mastodon",
        "bo@films.social",
        "2024-03-01",
    ),
    (
        "no-date-shown-the-status-id-says",
        "Wow — Bo (@bo) https://x.com/bo/status/1862204060138389630",
        "twitter",
        "bo",
        "2024-11-28",
    ),
    (
        "url-names-the-platform",
        "Wow — Bo (@bo) https://www.threads.net/@bo/post/C1abc?x=1 Mar 1, 2024",
        "threads",
        "bo",
        "2024-03-01",
    ),
]


@pytest.mark.parametrize(
    ("line", "platform", "handle", "date"),
    [case[1:] for case in ATTRIBUTIONS],
    ids=[case[0] for case in ATTRIBUTIONS],
)
def test_attribution_lines_of_each_platform(
    line: str, platform: str, handle: str, date: str | None
) -> None:
    (reaction,) = extract_text(line).reactions
    assert (reaction.platform, reaction.handle, reaction.date, reaction.text) == (
        platform,
        handle,
        date,
        "Wow",
    )


def test_a_mixed_article_keeps_page_order_and_each_posts_own_fields() -> None:
    text = (
        "Fans posted everywhere.\n\n"
        "Saw it twice — Lena (@lena_o) May 2, 2024\n\n"
        "Still thinking about the ending — Jo Park (@jopark.bsky.social) "
        "May 14, 2024 at 3:43 PM\n\n"
        "Third time tomorrow — Mo (@mo@toot.example) May 3, 2024"
    )
    reactions = parse(text).reactions
    assert [(r.platform, r.text, r.author_name, r.handle, r.date) for r in reactions] == [
        ("twitter", "Saw it twice", "Lena", "lena_o", "2024-05-02"),
        (
            "bluesky",
            "Still thinking about the ending",
            "Jo Park",
            "jopark.bsky.social",
            "2024-05-14",
        ),
        ("mastodon", "Third time tomorrow", "Mo", "mo@toot.example", "2024-05-03"),
    ]
