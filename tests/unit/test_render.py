import pytest

from bot.discord_ui.render import (
    MAX_DESCRIPTION,
    MAX_EMBED_TOTAL,
    render_page,
)
from bot.domain.markdown import escape
from bot.domain.records import Movie, ReactionPage, StoredReaction

MOVIE = Movie(id=1, title="12th Fail", slug="12thfail")


def reaction(text: str, number: int = 1, url: str | None = None, **extra: object) -> StoredReaction:
    fields: dict[str, object] = {
        "id": number,
        "movie_id": 1,
        "platform": "twitter",
        "text": text,
        "author_name": "Kruti Patel",
        "handle": "KrutiPatel2000",
        "date": "2024-01-01",
        "url": url if url is not None else f"https://twitter.com/k/status/{number}",
        "spoiler": True,
    }
    fields.update(extra)
    return StoredReaction(**fields)  # type: ignore[arg-type]


def page(*reactions: StoredReaction, total: int | None = None, offset: int = 0) -> ReactionPage:
    return ReactionPage(
        movie=MOVIE, reactions=reactions, offset=offset, total=total or len(reactions)
    )


def inner(description: str) -> str:
    """Return what sits between the one pair of spoiler bars."""
    assert description.startswith("||")
    end = description.index("||", 2)
    return description[2:end]


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("ends early || now visible", "||"),
        ("**bold** and __under__ and ~~strike~~", "**"),
        ("@everyone look", "@everyone"),
        ("@here look", "@here"),
        ("ping <@&123456> and <@42>", "<@"),
        ("[click me](https://evil.example)", "]("),
        ("`code` block", "`c"),
        ("> quote line", "> "),
        ("# heading", "# "),
    ],
    ids=[
        "bars",
        "markdown",
        "everyone",
        "here",
        "role-and-user",
        "masked-link",
        "code",
        "quote",
        "heading",
    ],
)
def test_escape_leaves_no_live_syntax(text: str, forbidden: str) -> None:
    escaped = escape(text)
    assert forbidden not in escaped.replace("\\" + forbidden[0], "")


def test_spoiler_cannot_be_closed_from_inside() -> None:
    rendered = render_page(page(reaction("a || b || c")), page_size=5)
    description = rendered.embeds[0].description or ""
    body = inner(description)
    assert description == f"||{body}||"
    assert "||" not in body


def test_url_with_bars_keeps_working_and_cannot_close_spoiler() -> None:
    description = render_page(page(reaction("see https://x.com/a||b")), page_size=5).embeds[0]
    text = description.description or ""
    assert "https://x.com/a%7C%7Cb" in text
    assert text.count("||") == 2


def test_one_embed_per_reaction_with_author_link_and_footer() -> None:
    rendered = render_page(
        page(*(reaction(f"post {n}", n) for n in range(1, 6)), total=10), page_size=5
    )
    assert len(rendered.embeds) == 5
    first = rendered.embeds[0]
    assert first.author.name == "Kruti Patel (@KrutiPatel2000)"
    assert first.author.url == "https://twitter.com/k/status/1"
    assert first.url == "https://twitter.com/k/status/1"
    assert first.footer.text is not None
    assert "1 of 10" in first.footer.text
    assert first.timestamp is not None
    assert first.timestamp.date().isoformat() == "2024-01-01"
    assert rendered.content == "**12th Fail** — reactions 1–5 of 10"
    assert (rendered.page, rendered.pages) == (1, 2)
    assert len({embed.url for embed in rendered.embeds}) == 5  # Discord merges equal urls


def test_long_text_is_cut_on_a_word_with_a_link() -> None:
    text = "word " * 2000
    rendered = render_page(page(reaction(text)), page_size=5)
    description = rendered.embeds[0].description or ""
    assert len(description) <= MAX_DESCRIPTION
    body = inner(description)
    assert body.endswith("word…")
    assert "[Read the full post](https://twitter.com/k/status/1)" in description
    assert not body.rstrip("…").endswith("\\")


def test_cut_never_leaves_a_dangling_backslash() -> None:
    text = "*" * 5000
    description = render_page(page(reaction(text)), page_size=5).embeds[0].description or ""
    body = inner(description).removesuffix("…")
    assert body
    assert body == "\\*" * (len(body) // 2)


def test_ten_long_reactions_fit_the_message_total() -> None:
    reactions = [reaction("long text " * 500, n) for n in range(1, 11)]
    rendered = render_page(page(*reactions), page_size=10)
    assert len(rendered.embeds) == 10
    assert sum(len(embed) for embed in rendered.embeds) <= MAX_EMBED_TOTAL
    for embed in rendered.embeds:
        assert "[Read the full post]" in (embed.description or "")


def test_spoilers_off_shows_text_in_the_clear() -> None:
    rendered = render_page(page(reaction("plain")), page_size=5, spoilers=False)
    assert rendered.embeds[0].description == "plain"


def test_movie_title_is_escaped_in_the_header() -> None:
    movie = Movie(id=2, title="@everyone **Hack**", slug="everyonehack")
    rendered = render_page(
        ReactionPage(movie=movie, reactions=(reaction("x"),), offset=0, total=1), page_size=5
    )
    assert "@everyone" not in rendered.content
    assert "\\*\\*Hack\\*\\*" in rendered.content


def test_missing_author_and_url_still_render() -> None:
    bare = reaction("text", url="", author_name=None, handle=None)
    embed = render_page(page(bare), page_size=5).embeds[0]
    assert embed.author.name == "Unknown author"
    assert embed.url is None


def test_an_embed_with_a_link_has_a_title_to_show_it() -> None:
    embed = render_page(page(reaction("text")), page_size=5).embeds[0]
    assert embed.url == "https://twitter.com/k/status/1"
    assert embed.title == "Post on X"


@pytest.mark.parametrize(
    "url",
    [
        "https://x:99999/a",
        "https://twitter.com:0/a",
        "https://bad_host.example/a",
        "https://-dash.example/a",
        "ftp://files.example/a",
        "https://example.com/" + "a" * 2100,
    ],
)
def test_a_link_discord_would_refuse_is_left_out(url: str) -> None:
    embed = render_page(page(reaction("text", url=url)), page_size=5).embeds[0]
    assert embed.url is None
    assert embed.title is None
    assert "Read the full post" not in (embed.description or "")


def test_an_international_host_is_sent_idna_encoded() -> None:
    embed = render_page(page(reaction("text", url="https://bücher.example/a")), page_size=5)
    assert embed.embeds[0].url == "https://xn--bcher-kva.example/a"
