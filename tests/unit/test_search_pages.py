"""Search results as members read them: an exact count below the cap, "1,000+" past it."""

from __future__ import annotations

from bot.discord_ui.pages import search_page
from bot.domain.models import Article, MovieRef, Reaction
from bot.domain.records import SEARCH_CAP
from bot.store import Store

GUILD = 42


async def add(store: Store, count: int) -> None:
    article = Article(
        title=None,
        movie=MovieRef.from_title("Calm Film"),
        spoiler=False,
        published=None,
        source=None,
        reactions=tuple(
            Reaction(platform="twitter", text=f"popcorn post {n}", handle=f"fan{n}")
            for n in range(count)
        ),
    )
    await store.ingest_article(article, content_hash=str(count))


async def test_a_capped_search_reads_1000_plus_newest_first(store: Store) -> None:
    await add(store, SEARCH_CAP + 1)

    first = await search_page(store, "popcorn", GUILD, 1)
    last = await search_page(store, "popcorn", GUILD, 200)

    assert first.content == "Reactions matching “popcorn” — 1–5 of 1,000+, newest first"
    footers = [embed.footer.text or "" for embed in first.embeds]
    assert [footer.split(" · ")[1] for footer in footers] == [f"{n} of 1,000+" for n in range(1, 6)]
    assert (first.page, first.pages) == (1, 200)
    assert last.content.endswith("996–1000 of 1,000+, newest first")
    assert (last.page, last.pages) == (200, 200)


async def test_a_search_at_the_cap_reads_its_exact_count(store: Store) -> None:
    await add(store, SEARCH_CAP)

    first = await search_page(store, "popcorn", GUILD, 1)

    assert first.content == "Reactions matching “popcorn” — 1–5 of 1,000"
    assert (first.page, first.pages) == (1, 200)
