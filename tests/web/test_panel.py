"""The panel over HTTP: log-in, who sees what, curation through the services, and its guards."""

from __future__ import annotations

import dataclasses
import html
import re
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from bot.domain.models import Article, MovieRef, Reaction
from bot.domain.records import SEARCH_CAP, AuditInfo, GuildSettings
from bot.services import reading
from bot.web.security import RateLimiter
from tests.web.harness import (
    HOSTILE,
    ORIGIN,
    PUBLIC_URL,
    World,
    article,
    csrf_of,
    log_in,
    movie_id,
    panel_client,
)


def reaction_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'data-id="(\d+)"', html)]


async def test_a_moderator_logs_in_and_sees_only_the_servers_they_moderate(world: World) -> None:
    async with panel_client(world) as client:
        assert "Log in with Discord" in await (await client.get("/")).text()
        await log_in(client, world, world.home.moderator)
        page = await (await client.get("/")).text()
    assert "Home Server" in page
    assert "Other Server" not in page  # not a member there at all


async def test_the_login_redirect_carries_a_state_bound_to_the_session(world: World) -> None:
    async with panel_client(world) as client:
        start = await client.get("/auth/login", allow_redirects=False)
        location = start.headers["Location"]
        assert location.startswith(world.fake.world.base_url + "/oauth2/authorize?")
        query = parse_qs(urlsplit(location).query)
        assert query["scope"] == ["identify guilds"]
        assert query["redirect_uri"] == [PUBLIC_URL + "/auth/callback"]
        assert query["client_id"] == [str(world.fake.world.application_id)]
        assert len(query["state"][0]) >= 32
        # A callback with another state (a forged log-in link) is refused, and logs nobody in.
        world.oauth.login_as(world.home.moderator)
        forged = await client.get("/auth/callback?code=whatever&state=not-the-one")
        assert forged.status == 400
        assert "stale" in await forged.text()
        assert "Home Server" not in await (await client.get("/")).text()


async def test_a_callback_no_login_started_is_refused(world: World) -> None:
    async with panel_client(world) as client:
        refused = await client.get("/auth/callback?code=abc&state=abc")
        assert refused.status == 400


async def test_a_code_is_single_use(world: World) -> None:
    async with panel_client(world) as client, panel_client(world) as thief:
        world.oauth.login_as(world.home.moderator)
        start = await client.get("/auth/login", allow_redirects=False)
        async with aiohttp.ClientSession() as browser:
            approved = await browser.get(start.headers["Location"], allow_redirects=False)
        back = approved.headers["Location"].removeprefix(PUBLIC_URL)
        assert (await client.get(back, allow_redirects=False)).status == 302
        # The same callback replayed in another browser: no session state, refused.
        assert (await thief.get(back, allow_redirects=False)).status == 400
    assert world.oauth.codes == {}  # used once, then gone


async def test_logout_needs_the_token_and_ends_the_session(world: World) -> None:
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        refused = await client.post("/auth/logout", data={}, headers=ORIGIN)
        assert refused.status == 403
        token = await csrf_of(client)
        done = await client.post(
            "/auth/logout", data={"csrf": token}, headers=ORIGIN, allow_redirects=False
        )
        assert done.status == 302
        assert "Log in with Discord" in await (await client.get("/")).text()


GUILD_PAGES = ["", "/m/moonlitharbour", "/articles", "/settings", "/schedules", "/audit"]
GUILD_ACTIONS = [
    ("/curate", {"action": "hide", "reaction": "1"}),
    ("/m/moonlitharbour/names", {"alias": "harbour"}),
    ("/articles/preview", {"text": "Great — A (@a) May 1, 2024"}),
    ("/articles/confirm", {"token": "x", "answer": "add"}),
    ("/articles/1/remove", {}),
    ("/settings", {"page_size": "3"}),
    ("/schedules", {"channel": "1", "every": "daily", "do": "set"}),
]


@pytest.mark.parametrize("who", ["member", "other_moderator"])
async def test_people_who_do_not_moderate_the_server_get_404_everywhere(
    world: World, who: str
) -> None:
    person = (
        world.home.member
        if who == "member"
        else world.fake.world.member(world.other.id, world.other.moderator.id)
    )
    if who == "other_moderator":
        # A moderator of Other Server who is only a plain member of Home Server.
        world.home.members.append(
            type(world.home.member)(person.user, world.home.id)  # type: ignore[union-attr]
        )
    assert person is not None
    async with panel_client(world) as client:
        await log_in(client, world, person)
        index = await (await client.get("/")).text()
        assert "Home Server" not in index
        token = await csrf_of(client)
        for path in GUILD_PAGES:
            response = await client.get(f"/g/{world.home.id}{path}")
            assert response.status == 404, path
            assert "Moonlit" not in await response.text()
        for path, fields in GUILD_ACTIONS:
            response = await client.post(
                f"/g/{world.home.id}{path}", data={**fields, "csrf": token}, headers=ORIGIN
            )
            assert response.status == 404, path
    audit = await world.store.list_audit(world.home.id, 10)
    assert audit == []


async def test_ids_of_other_servers_and_their_movies_answer_404(world: World) -> None:
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        assert (await client.get(f"/g/{world.other.id}")).status == 404
        assert (await client.get("/g/123456789012345678")).status == 404
        secret = await client.get(f"/g/{world.home.id}/m/{world.other_secret_movie}")
        assert secret.status == 404
        movies = await (await client.get(f"/g/{world.home.id}")).text()
        assert "Secret Screening" not in movies
        assert "Moonlit Harbour" in movies


async def test_the_servers_moderator_role_opens_the_panel(world: World) -> None:
    helpers = await world.fake.driver.create_role(world.home, "Helpers", 0)
    helper = await world.fake.driver.add_member(world.home, "helper", helpers)
    async with panel_client(world) as client:
        await log_in(client, world, helper)
        assert (await client.get(f"/g/{world.home.id}")).status == 404
        await world.store.update_guild_settings(world.home.id, mod_role_id=helpers.id)
        assert (await client.get(f"/g/{world.home.id}")).status == 200


async def test_a_change_needs_the_form_token_and_the_panels_origin(world: World) -> None:
    movie = await movie_id(world.store, "moonlitharbour")
    first = (await world.store.reaction_page(movie, world.home.id, offset=0, limit=1)).reactions[0]
    form = {"action": "hide", "reaction": str(first.id)}
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        token = await csrf_of(client)
        path = f"/g/{world.home.id}/curate"
        assert (await client.post(path, data=form, headers=ORIGIN)).status == 403
        wrong = {**form, "csrf": "forged"}
        assert (await client.post(path, data=wrong, headers=ORIGIN)).status == 403
        elsewhere = {"Origin": "https://evil.example"}
        assert (
            await client.post(path, data={**form, "csrf": token}, headers=elsewhere)
        ).status == 403
        assert (await client.post(path, data={**form, "csrf": token})).status == 403  # no Origin
        assert (await world.store.get_reaction(first.id, world.home.id)).hidden is False  # type: ignore[union-attr]
        done = await client.post(
            path, data={**form, "csrf": token}, headers=ORIGIN, allow_redirects=False
        )
        assert done.status == 303
    assert (await world.store.get_reaction(first.id, world.home.id)).hidden is True  # type: ignore[union-attr]


async def test_hide_feature_and_unhide_change_what_members_see_and_are_audited(
    world: World,
) -> None:
    movie = await world.store.find_movie("moonlitharbour", world.home.id)
    assert movie is not None
    before = await reading.movie_page(world.store, movie, world.home.id, 1)
    first, second = before.data.reactions[0], before.data.reactions[1]
    last = (await world.store.reaction_page(movie.id, world.home.id, offset=29, limit=1)).reactions[
        0
    ]
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        token = await csrf_of(client)
        curate = f"/g/{world.home.id}/curate"
        back = f"/g/{world.home.id}/m/moonlitharbour"
        hidden = await client.post(
            curate,
            data={"one": f"hide:{first.id}", "reason": "spam", "csrf": token, "back": back},
            headers=ORIGIN,
        )
        assert "1 reaction hidden" in await hidden.text()
        await client.post(
            curate, data={"one": f"feature:{last.id}", "csrf": token, "back": back}, headers=ORIGIN
        )
        after = await reading.movie_page(world.store, movie, world.home.id, 1)
        shown = [r.id for r in after.data.reactions]
        assert first.id not in shown
        assert shown[0] == last.id  # featured comes first, as in Discord
        assert second.id in shown
        page = await (await client.get(back)).text()
        assert reaction_ids(page)[0] == last.id
        assert first.id not in reaction_ids(page)
        hidden_view = await (await client.get(back + "?view=hidden")).text()
        assert reaction_ids(hidden_view) == [first.id]
        await client.post(
            curate,
            data={"action": "unhide", "reaction": str(first.id), "csrf": token, "back": back},
            headers=ORIGIN,
        )
    assert (await world.store.get_reaction(first.id, world.home.id)).hidden is False  # type: ignore[union-attr]
    audit = await world.store.list_audit(world.home.id, 10)
    assert [entry.action for entry in audit] == [
        "reaction.unhide",
        "reaction.feature",
        "reaction.hide",
    ]
    assert {entry.user_id for entry in audit} == {world.home.moderator.id}
    assert audit[2].reason == "spam"


async def test_many_reactions_are_hidden_at_once(world: World) -> None:
    movie = await movie_id(world.store, "moonlitharbour")
    page = await world.store.reaction_page(movie, world.home.id, offset=0, limit=3)
    chosen = [str(r.id) for r in page.reactions]
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        token = await csrf_of(client)
        answer = await client.post(
            f"/g/{world.home.id}/curate",
            data=[("action", "hide"), ("csrf", token)] + [("reaction", c) for c in chosen],
            headers=ORIGIN,
        )
        assert "3 reactions hidden" in await answer.text()
    after = await world.store.reaction_page(movie, world.home.id, offset=0, limit=100)
    assert after.total == 27


async def test_search_and_paging_over_a_movies_reactions(world: World) -> None:
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        base = f"/g/{world.home.id}/m/moonlitharbour"
        first = await (await client.get(base)).text()
        second = await (await client.get(base + "?page=2")).text()
        assert len(reaction_ids(first)) == 20
        assert len(reaction_ids(second)) == 10
        assert not set(reaction_ids(first)) & set(reaction_ids(second))
        assert "reactions 1–20 of 30" in first
        assert "▶" in first
        assert 'rel="next"' in first
        found = await (await client.get(base + "?q=number+17")).text()
        assert len(reaction_ids(found)) >= 1
        assert "Reaction number 17 to the film" in found
        past = await client.get(base + "?page=99")
        assert past.status == 200
        assert "reactions 21–30 of 30" in await past.text()


async def test_a_reaction_full_of_html_is_shown_inert(world: World) -> None:
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        response = await client.get(f"/g/{world.home.id}/m/harbourlights")
        html = await response.text()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert 'class="spoiler"' in html  # the text is behind the spoiler, as in Discord
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert HOSTILE not in html


async def test_the_session_cookie_is_httponly_and_samesite(world: World) -> None:
    async with panel_client(world) as client:
        response = await client.get("/")
        cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http here; WEB_PUBLIC_URL https:// sets it


async def test_requests_over_the_limit_are_refused(world: World) -> None:
    async with panel_client(world, limiter=RateLimiter(5, 60.0)) as client:
        statuses = [(await client.get("/")).status for _ in range(7)]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]


async def test_an_article_is_added_from_pasted_text_after_a_preview(world: World) -> None:
    text = (
        "Fans react to Quiet Tides\n\n"
        "What a quiet, lovely film — Ana Lee (@analee) May 1, 2024\n\n"
        "I cried at the end — Bo Kim (@bokim) May 2, 2024"
    )
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        token = await csrf_of(client)
        preview = await client.post(
            f"/g/{world.home.id}/articles/preview",
            data={"text": text, "movie": "Quiet Tides", "csrf": token},
            headers=ORIGIN,
        )
        html = await preview.text()
        assert "Add this article?" in html
        assert "Quiet Tides" in html
        assert await world.store.find_movie("quiettides", world.home.id) is None
        pending = re.search(r'name="token" value="([^"]+)"', html)
        assert pending
        added = await client.post(
            f"/g/{world.home.id}/articles/confirm",
            data={"token": pending.group(1), "answer": "add", "csrf": token},
            headers=ORIGIN,
        )
        assert "Added article" in await added.text()
    movie = await world.store.find_movie("quiettides", world.home.id)
    assert movie is not None
    assert await world.store.find_movie("quiettides", world.other.id) is None
    audit = await world.store.list_audit(world.home.id, 1)
    assert audit[0].action == "article.add"
    assert audit[0].user_id == world.home.moderator.id


async def test_bad_input_gets_the_services_message(world: World) -> None:
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        token = await csrf_of(client)
        alias = await client.post(
            f"/g/{world.home.id}/m/moonlitharbour/names",
            data={"alias": "!!!", "csrf": token},
            headers=ORIGIN,
        )
        assert "has no letters or digits" in await alias.text()
        size = await client.post(
            f"/g/{world.home.id}/settings",
            data={"page_size": "40", "spoiler_mode": "always", "csrf": token},
            headers=ORIGIN,
        )
        assert "A page shows 1 to 10 reactions." in await size.text()
        schedule = await client.post(
            f"/g/{world.other.id}/schedules",
            data={"channel": str(world.other.channel.id), "every": "daily", "csrf": token},
            headers=ORIGIN,
        )
        assert schedule.status == 404
    settings = await world.store.get_guild_settings(world.home.id)
    assert settings == GuildSettings(world.home.id)


async def test_aliases_rename_settings_and_schedules_go_through_the_services(
    world: World,
) -> None:
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        token = await csrf_of(client)
        base = f"/g/{world.home.id}"
        await client.post(
            base + "/m/moonlitharbour/names",
            data={"alias": "harbour", "csrf": token},
            headers=ORIGIN,
        )
        renamed = await client.post(
            base + "/m/moonlitharbour/names",
            data={"title": "Moonlit Harbour (2024)", "csrf": token},
            headers=ORIGIN,
        )
        assert "Renamed to" in await renamed.text()
        await client.post(
            base + "/settings",
            data={"page_size": "3", "spoiler_mode": "flagged", "mod_role_id": "", "csrf": token},
            headers=ORIGIN,
        )
        scheduled = await client.post(
            base + "/schedules",
            data={
                "channel": str(world.home.channel.id),
                "every": "daily",
                "at": "09:00",
                "movie": "harbour",
                "do": "set",
                "csrf": token,
            },
            headers=ORIGIN,
        )
        listed = await scheduled.text()
        assert "Schedule saved." in listed
        assert "at 09:00 UTC" in listed
        audit_page = await (await client.get(base + "/audit")).text()
    assert (await world.store.find_movie("harbour", world.home.id)) is not None
    assert (await world.store.get_guild_settings(world.home.id)).page_size == 3
    actions = [entry.action for entry in await world.store.list_audit(world.home.id, 10)]
    assert actions == ["schedule.set", "settings.update", "movie.rename", "movie.alias"]
    assert "movie.rename" in audit_page


async def test_a_platform_filter_keeps_the_places_members_see(world: World) -> None:
    bluesky = article("Moonlit Harbour", "Sky post one", "Sky post two", title="Sky")
    bluesky = dataclasses.replace(
        bluesky,
        reactions=tuple(
            dataclasses.replace(r, platform="bluesky", url=None) for r in bluesky.reactions
        ),
    )
    await world.store.ingest_article(bluesky, content_hash="sky")
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        base = f"/g/{world.home.id}/m/moonlitharbour"
        html = await (await client.get(base + "?platform=bluesky")).text()
        assert "Sky post one" in html
        assert "Reaction number" not in html
        assert len(reaction_ids(html)) == 2
        assert "31 of 32" in html  # the footer counts among all, as in Discord
        assert "2 of 32 reaction(s) are from Bluesky." in html
        unknown = await client.get(base + "?platform=myspace")
        assert "There is no platform" in await unknown.text()


async def test_an_article_file_is_previewed_then_removed_with_its_reactions(world: World) -> None:
    page = (
        "<!doctype html><html><head><title>Fans on Glass Orchard</title></head><body>"
        "<p>About the film Glass Orchard.</p>"
        '<blockquote class="twitter-tweet"><p lang="en">Bright and strange</p>&mdash; Ada '
        '(@ada) <a href="https://twitter.com/ada/status/91">May 1, 2024</a></blockquote>'
        "</body></html>"
    )
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        token = await csrf_of(client)
        form = aiohttp.FormData()
        form.add_field("csrf", token)
        form.add_field("movie", "Glass Orchard")
        form.add_field("file", page.encode(), filename="orchard.html", content_type="text/html")
        preview = await (
            await client.post(f"/g/{world.home.id}/articles/preview", data=form, headers=ORIGIN)
        ).text()
        assert "Glass Orchard" in preview
        pending = re.search(r'name="token" value="([^"]+)"', preview)
        assert pending
        await client.post(
            f"/g/{world.home.id}/articles/confirm",
            data={"token": pending.group(1), "answer": "add", "csrf": token},
            headers=ORIGIN,
        )
        # The token was used: a second Add stores nothing twice.
        again = await client.post(
            f"/g/{world.home.id}/articles/confirm",
            data={"token": pending.group(1), "answer": "add", "csrf": token},
            headers=ORIGIN,
        )
        assert "expired" in await again.text()
        listing = await world.store.list_articles(world.home.id, offset=0, limit=10)
        own = next(a for a in listing.articles if not a.is_global)
        shared = next(a for a in listing.articles if a.is_global)
        refused = await client.post(
            f"/g/{world.home.id}/articles/{shared.id}/remove", data={"csrf": token}, headers=ORIGIN
        )
        assert "every server shares it" in await refused.text()
        removed = await client.post(
            f"/g/{world.home.id}/articles/{own.id}/remove", data={"csrf": token}, headers=ORIGIN
        )
        assert f"Removed article <code>{own.id}</code>" in await removed.text()
    assert await world.store.find_movie("glassorchard", world.home.id) is None
    actions = [entry.action for entry in await world.store.list_audit(world.home.id, 5)]
    assert actions == ["article.remove", "article.add"]


async def test_a_file_that_is_not_an_article_is_refused_before_parsing(world: World) -> None:
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        token = await csrf_of(client)
        form = aiohttp.FormData()
        form.add_field("csrf", token)
        form.add_field("file", b"\x89PNG", filename="cat.png", content_type="image/png")
        answer = await client.post(
            f"/g/{world.home.id}/articles/preview", data=form, headers=ORIGIN
        )
        assert "Attach the article as an" in await answer.text()


async def test_the_discord_view_shows_a_page_as_reactions_posts_it(world: World) -> None:
    movie = await world.store.find_movie("moonlitharbour", world.home.id)
    assert movie is not None
    bots_page = await reading.movie_page(world.store, movie, world.home.id, 2)
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        html = await (
            await client.get(f"/g/{world.home.id}/m/moonlitharbour?view=discord&page=2")
        ).text()
    assert "reactions 6–10 of 30" in html
    assert html.count('class="embed"') == 5
    footers = re.findall(r'<div class="embed-footer">([^<]*)</div>', html)
    assert [f.split(" · id ")[1].split(" ")[0] for f in footers] == [
        str(r.id) for r in bots_page.data.reactions
    ]
    assert 'href="?view=discord&amp;page=1"' in html  # ◀
    assert 'href="?view=discord&amp;page=3"' in html  # ▶


async def test_servers_without_the_bot_are_not_listed_even_for_their_moderators(
    world: World,
) -> None:
    moderator = world.home.moderator
    role = world.other.moderator_role
    world.other.members.append(type(moderator)(moderator.user, world.other.id, (role.id,)))
    async with panel_client(world) as client:
        await log_in(client, world, moderator)
        assert "Other Server" in await (await client.get("/")).text()
        world.other.members.remove(world.other.bot_member)  # the bot leaves Other Server
        assert "Other Server" not in await (await client.get("/")).text()
        assert (await client.get(f"/g/{world.other.id}")).status == 404


async def test_a_short_rate_limit_from_discord_is_waited_out(world: World) -> None:
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        world.fake.rate_limit_next("GET /guilds/{id}/members/{id}", retry_after=0.2)
        assert (await client.get(f"/g/{world.home.id}")).status == 200
    limited = [call for call in world.fake.calls if call.status == 429]
    assert len(limited) == 1


async def test_many_refusals_keep_the_session_cookie_small(world: World) -> None:
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        token = await csrf_of(client)
        fields = [("action", "hide"), ("csrf", token)]
        fields += [("reaction", str(900_000 + n)) for n in range(200)]
        answer = await client.post(
            f"/g/{world.home.id}/curate", data=fields, headers=ORIGIN, allow_redirects=False
        )
        assert answer.status == 303
        assert len(answer.headers["Set-Cookie"]) < 4096
        page = await (await client.get(answer.headers["Location"])).text()
        assert page.count('class="flash error"') == 3
        assert "There is no reaction" in page
        assert "Log out" in page  # still logged in


async def test_a_search_past_the_cap_reads_1000_plus_newest_first(world: World) -> None:
    posts = tuple(
        Reaction(platform="twitter", text=f"popcorn post {n}", handle=f"fan{n}")
        for n in range(SEARCH_CAP + 1)
    )
    article = Article(
        title=None,
        movie=MovieRef.from_title("Popcorn Film"),
        spoiler=False,
        published=None,
        source=None,
        reactions=posts,
    )
    stored = await world.store.ingest_article(article, content_hash="popcorn")
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        base = f"/g/{world.home.id}/m/{stored.movie.slug}"
        found = await (await client.get(base + "?q=popcorn")).text()
    assert "1–20 of 1,000+, newest first" in found
    assert "1 of 1,000+" in found
    assert f"popcorn post {SEARCH_CAP}" in found


async def test_the_hidden_view_pages_every_hidden_reaction_however_long_the_audit_trail(
    world: World,
) -> None:
    movie = await movie_id(world.store, "moonlitharbour")
    shown = (await world.store.reaction_page(movie, world.home.id, offset=0, limit=22)).reactions
    buried, toggled, rest = shown[0], shown[1], shown[2:22]
    moderator = AuditInfo(world.home.moderator.id)
    await world.store.set_reaction_state(world.home.id, buried.id, hidden=True, audit=moderator)
    for n in range(1001):  # a thousand later audit rows: the hide is no longer among them
        await world.store.set_reaction_state(
            world.home.id, toggled.id, featured=n % 2 == 0, audit=moderator
        )
    for reaction in rest:
        await world.store.set_reaction_state(world.home.id, reaction.id, hidden=True)
    async with panel_client(world) as client:
        await log_in(client, world, world.home.moderator)
        first = await (await client.get(f"/g/{world.home.id}/m/moonlitharbour?view=hidden")).text()
        assert "21 hidden reaction(s)" in first
        assert "page 1 of 2" in first
        following = html.unescape(re.findall(r'rel="next" href="([^"]+)"', first)[0])
        assert "view=hidden" in following
        second = await (await client.get(following)).text()
    listed = reaction_ids(first) + reaction_ids(second)
    assert len(reaction_ids(first)) == 20
    assert sorted(listed) == sorted([buried.id, *(r.id for r in rest)])
