"""Discovery in the store: random reactions, search, and a guild's stats.

A contract test: it runs on every backend through the ``store`` fixture.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.domain.records import Stats
from bot.store import Store
from bot.store.repos import reading
from tests.unit.store_builders import article, ids_by_text, post

GUILD = 111
OTHER_GUILD = 222
SEED = article(
    post("First!", "a", author_name="Ann A", date="2024-01-01", url="https://x.com/a/status/1"),
    post("Second", "b"),
    post("Third", "c"),
)


@pytest.fixture(params=["probe", "count"])
def random_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a random test through both ways of picking: id probes, and counting to an offset."""
    if request.param == "count":
        monkeypatch.setattr(reading, "RANDOM_PROBES", 0)
    return str(request.param)


# Random


async def test_random_of_an_empty_store_is_none(store: Store, random_path: str) -> None:
    assert await store.random_reaction(GUILD, rng_seed=1) is None
    assert await store.random_reaction(None, movie_id=1, rng_seed=1) is None


async def test_random_never_returns_hidden_or_invisible_reactions(
    store: Store, random_path: str
) -> None:
    glob = await store.ingest_article(
        article(*(post(f"g{n}", f"h{n}") for n in range(12))), content_hash="global"
    )
    await store.ingest_article(article(post("mine", "m")), content_hash="mine", guild_id=GUILD)
    await store.ingest_article(
        article(*(post(f"theirs{n}", "t") for n in range(30))),
        content_hash="theirs",
        guild_id=OTHER_GUILD,
    )
    ids = await ids_by_text(store, glob.movie.id, GUILD)
    hidden = {ids[f"g{n}"] for n in range(0, 12, 2)}
    for reaction_id in hidden:
        await store.set_reaction_state(GUILD, reaction_id, hidden=True)
    allowed = {reaction_id for text, reaction_id in ids.items() if reaction_id not in hidden}

    picked = [await store.random_reaction(GUILD, rng_seed=seed) for seed in range(150)]

    seen = {reaction.id for reaction in picked if reaction is not None}
    assert None not in picked
    assert seen == allowed  # never a hidden or another guild's; every visible one reachable
    assert not any(reaction.hidden for reaction in picked if reaction is not None)


async def test_random_is_close_to_uniform(store: Store, random_path: str) -> None:
    await store.ingest_article(
        article(*(post(f"p{n}", f"h{n}") for n in range(4))), content_hash="global"
    )
    # Posts of other guilds between them make gaps in the ids the guild can see.
    await store.ingest_article(
        article(*(post(f"x{n}", "x") for n in range(8)), movie="Other"),
        content_hash="theirs",
        guild_id=OTHER_GUILD,
    )
    await store.ingest_article(
        article(*(post(f"q{n}", f"k{n}") for n in range(4))), content_hash="global2"
    )

    picked = [await store.random_reaction(GUILD, rng_seed=seed) for seed in range(400)]

    counts = Counter(reaction.text for reaction in picked if reaction is not None)

    assert len(counts) == 8
    assert all(25 <= count <= 75 for count in counts.values()), counts  # 50 ± 4 sd


async def test_random_of_one_movie_stays_in_it(store: Store, random_path: str) -> None:
    await store.ingest_article(
        article(*(post(f"big{n}", f"h{n}") for n in range(60)), movie="Big"), content_hash="big"
    )
    small = await store.ingest_article(
        article(post("small one", "a"), post("small two", "b"), movie="Small"), content_hash="s"
    )

    picked = [
        await store.random_reaction(GUILD, movie_id=small.movie.id, rng_seed=seed)
        for seed in range(40)
    ]

    assert {reaction.text if reaction else None for reaction in picked} == {
        "small one",
        "small two",
    }
    assert await store.random_reaction(GUILD, movie_id=404, rng_seed=1) is None


async def test_random_is_none_when_everything_is_hidden(store: Store, random_path: str) -> None:
    glob = await store.ingest_article(article(post("a"), post("b", "b")), content_hash="g")
    for reaction_id in (await ids_by_text(store, glob.movie.id, GUILD)).values():
        await store.set_reaction_state(GUILD, reaction_id, hidden=True)

    assert await store.random_reaction(GUILD, rng_seed=3) is None
    assert await store.random_reaction(OTHER_GUILD, rng_seed=3) is not None


async def test_random_with_a_seed_repeats(store: Store) -> None:
    await store.ingest_article(
        article(*(post(f"p{n}", f"h{n}") for n in range(20))), content_hash="g"
    )

    first = [await store.random_reaction(None, rng_seed=seed) for seed in range(5)]
    again = [await store.random_reaction(None, rng_seed=seed) for seed in range(5)]

    assert first == again
    assert len({reaction.id for reaction in first if reaction}) > 1


async def test_random_reports_the_guilds_flags(store: Store) -> None:
    glob = await store.ingest_article(article(post("only")), content_hash="g")
    [only] = (await ids_by_text(store, glob.movie.id, GUILD)).values()
    await store.set_reaction_state(GUILD, only, featured=True)

    picked = await store.random_reaction(GUILD, rng_seed=1)

    assert picked is not None
    assert (picked.id, picked.featured, picked.hidden) == (only, True, False)


# Search input that is all FTS5 syntax


@pytest.mark.parametrize(
    "text",
    ['"', "*", "NEAR", "(", ")", "-", "^", ":", "+", "NEAR(", '" * ( - ^ :', "NEAR(a b)", '""'],
    ids=[
        "quote",
        "star",
        "near",
        "open",
        "close",
        "minus",
        "caret",
        "colon",
        "plus",
        "near-open",
        "all",
        "near-group",
        "empty-string",
    ],
)
async def test_search_of_only_fts_syntax_is_an_empty_page(store: Store, text: str) -> None:
    await store.ingest_article(
        article(post("A film about a* (great) exam", "kruti"), post("Another post", "raj")),
        content_hash="g",
    )

    found = await store.search_reactions(text, GUILD, offset=0, limit=10)

    assert (found.query, found.reactions, found.total) == (text, (), 0)


async def test_search_treats_near_as_a_plain_word(store: Store) -> None:
    await store.ingest_article(
        article(post("Sat near the screen", "a"), post("Far away", "b")), content_hash="g"
    )

    found = await store.search_reactions("NEAR", GUILD, offset=0, limit=10)
    mixed = await store.search_reactions('screen * " (', GUILD, offset=0, limit=10)

    assert [r.text for r in found.reactions] == ["Sat near the screen"]
    assert [r.text for r in mixed.reactions] == ["Sat near the screen"]


# Stats


async def test_stats_count_what_the_guild_sees(store: Store) -> None:
    one = await store.ingest_article(
        article(
            post("a1", "kruti", author_name="Kruti Patel"),
            post("a2", "KRUTI", author_name="Kruti Patel"),
            post("a3", "raj"),
            post("a4", None, author_name="No Handle"),
            post("a5", None),
        ),
        content_hash="global",
    )
    await store.ingest_article(
        article(post("m1", "raj"), post("m2", "raj"), movie="Lagaan"),
        content_hash="mine",
        guild_id=GUILD,
    )
    await store.ingest_article(
        article(post("t1", "zed"), post("t2", "zed"), post("t3", "zed"), movie="Theirs"),
        content_hash="theirs",
        guild_id=OTHER_GUILD,
    )
    ids = await ids_by_text(store, one.movie.id, GUILD)
    await store.set_reaction_state(GUILD, ids["a3"], hidden=True)
    await store.set_reaction_state(GUILD, ids["a1"], featured=True)
    await store.set_reaction_state(GUILD, ids["a4"], featured=True, hidden=True)
    await store.set_reaction_state(OTHER_GUILD, ids["a2"], hidden=True)

    stats = await store.stats(GUILD)

    assert stats == Stats(
        movies=2,
        articles=2,
        reactions=5,
        featured=1,
        hidden=2,
        top_authors=[("Kruti Patel (@kruti)", 2), ("@raj", 2)],
    )


async def test_stats_of_one_movie_and_of_no_guild(store: Store) -> None:
    one = await store.ingest_article(
        article(post("a1", "ann", author_name="Ann"), post("a2", "bob")), content_hash="global"
    )
    await store.ingest_article(
        article(post("m1", "raj"), movie="Lagaan"), content_hash="mine", guild_id=GUILD
    )
    ids = await ids_by_text(store, one.movie.id, GUILD)
    await store.set_reaction_state(GUILD, ids["a2"], featured=True)

    movie_stats = await store.stats(GUILD, movie_id=one.movie.id)
    everywhere = await store.stats(None)

    assert movie_stats == Stats(
        movies=1,
        articles=1,
        reactions=2,
        featured=1,
        hidden=0,
        top_authors=[("Ann (@ann)", 1), ("@bob", 1)],  # a tie goes by handle
    )
    assert everywhere == Stats(
        movies=1,
        articles=1,
        reactions=2,
        featured=0,
        hidden=0,
        top_authors=[("Ann (@ann)", 1), ("@bob", 1)],
    )


async def test_stats_list_at_most_five_authors_most_quoted_first(store: Store) -> None:
    posts = [post(f"p{n}-{k}", f"author{n}") for n in range(7) for k in range(n + 1)]
    await store.ingest_article(article(*posts), content_hash="g")

    stats = await store.stats(GUILD)

    assert stats.top_authors == [
        ("@author6", 7),
        ("@author5", 6),
        ("@author4", 5),
        ("@author3", 4),
        ("@author2", 3),
    ]
    assert stats.reactions == len(posts)


async def test_stats_of_an_empty_store(store: Store) -> None:
    assert await store.stats(GUILD) == Stats(0, 0, 0, 0, 0, [])


# Search
async def test_search_finds_words_in_text_and_handles(store: Store) -> None:
    await store.ingest_article(
        article(post("What a brilliant film", "kruti"), post("Vikrant was great", "raj")),
        content_hash="seed",
    )

    by_text = await store.search_reactions("BRILLIANT", None, offset=0, limit=10)
    by_handle = await store.search_reactions("raj", None, offset=0, limit=10)

    assert [r.text for r in by_text.reactions] == ["What a brilliant film"]
    assert by_text.total == 1
    assert [r.text for r in by_handle.reactions] == ["Vikrant was great"]


async def test_search_respects_visibility_and_movie(store: Store) -> None:
    first = await store.ingest_article(article(post("great film", "a")), content_hash="a")
    await store.ingest_article(article(post("great story", "b"), movie="Lagaan"), content_hash="b")
    await store.ingest_article(
        article(post("great guild post", "c")), content_hash="c", guild_id=GUILD
    )
    hidden = (await store.reaction_page(first.movie.id, GUILD, offset=0, limit=1)).reactions[0]
    await store.set_reaction_state(GUILD, hidden.id, hidden=True)

    everywhere = await store.search_reactions("great", None, offset=0, limit=10)
    in_guild = await store.search_reactions("great", GUILD, offset=0, limit=10)
    one_movie = await store.search_reactions(
        "great", OTHER_GUILD, movie_id=first.movie.id, offset=0, limit=10
    )

    assert sorted(r.text for r in everywhere.reactions) == ["great film", "great story"]
    assert sorted(r.text for r in in_guild.reactions) == ["great guild post", "great story"]
    assert in_guild.total == 2
    assert [r.text for r in one_movie.reactions] == ["great film"]


@pytest.mark.parametrize(
    "text",
    ['"unbalanced', "AND OR NOT", "film*", "text: (", "   "],
    ids=["quote", "operators", "prefix", "column", "blank"],
)
async def test_search_treats_fts_syntax_as_plain_text(store: Store, text: str) -> None:
    await store.ingest_article(SEED, content_hash="seed")

    found = await store.search_reactions(text, None, offset=0, limit=10)

    assert (found.reactions, found.total) == ((), 0)
