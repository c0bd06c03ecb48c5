"""Every moderator command × every kind of caller × prefix and slash: only moderators in a
server get through, and ids from another server (article, reaction, channel) fail closed."""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
import pytest_asyncio
from discord.ext import commands

from bot.discord_ui.client import EXTENSIONS
from tests.e2e.fake_discord import BotProcess, Call, Channel, FakeDiscord, Guild, Member, Role
from tests.e2e.helpers import EPHEMERAL, button, html_page, local_site

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

REFUSAL = "Manage Messages permission or the server's moderator role"
SERVER_ONLY = "only works in a server"
CALLERS = ["member", "moderator-by-permission", "moderator-by-role", "dm"]
ARTICLE_HTML = """<!doctype html><html><head><title>On 'Glass Orchard'</title></head><body>
<h1>On 'Glass Orchard'</h1><p>What people said about the film Glass Orchard.</p>
<blockquote class="twitter-tweet"><p lang="en">Luminous</p>&mdash; Hal (@hal)
<a href="https://twitter.com/hal/status/41">May 1, 2024</a></blockquote></body></html>"""
PASTED = (
    "Nobody else has seen this one — Ida (@ida) May 3, 2024\n\n"
    "Only this server knows it — Jo (@jo) May 3, 2024"
)


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    return {"FETCH_ALLOW_HOSTS": "127.0.0.1"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def article_site() -> AsyncIterator[str]:
    """Serve one article page on 127.0.0.1, so `article add` previews without the internet."""
    async with local_site({"/article.html": html_page(ARTICLE_HTML)}) as base:
        yield f"{base}/article.html"


@dataclass
class World:
    """What every case needs: the guild's moderator role, its holder, a visible reaction."""

    role: Role
    curator: Member
    reaction_id: int
    article_url: str


def text_of(payload: dict[str, Any]) -> str:
    """Join a message's content and its embeds' titles and descriptions."""
    parts = [payload.get("content") or ""]
    for embed in payload.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
    return "\n".join(parts)


def reaction_ids(payload: dict[str, Any]) -> list[int]:
    return [int(re.findall(r"id (\d+)$", e["footer"]["text"])[0]) for e in payload["embeds"]]


async def say(fake: FakeDiscord, channel: Channel, who: Member, text: str) -> Call:
    await fake.driver.send_message(channel, who, text)
    return await fake.driver.wait_for(f"POST /channels/{channel.id}/messages")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(
    fake_discord: FakeDiscord, guild: Guild, bot_process: BotProcess, article_site: str
) -> World:
    """Make "Curators" the moderator role (held by a member without Manage Messages)."""
    driver = fake_discord.driver
    role = await driver.create_role(guild, "Curators")
    curator = await driver.add_member(guild, "curator", role)
    setup = await driver.create_channel(guild, "setup")
    handle = await driver.slash("settings modrole", {"role": role}, guild.moderator, setup)
    assert "Updated the moderator role" in text_of((await handle.callback()).json["data"])
    page = await say(fake_discord, setup, guild.member, "!reactions 12thfail")
    return World(role, curator, reaction_ids(page.json)[0], article_site)


@dataclass(frozen=True)
class Case:
    """One moderator command: how to call it each way, and what success looks like."""

    name: str
    prefix: Callable[[World, Channel, str], str] | None
    slash: Callable[[World, Channel, str], dict[str, Any]] | None
    success: str  # a regex found in a moderator's answer (done, or a normal domain answer)


def _no_options(world: World, channel: Channel, tag: str) -> dict[str, Any]:
    return {}


def _fixed(text: str) -> Callable[[World, Channel, str], str]:
    return lambda world, channel, tag: text


CASES = [
    Case(
        "article add",
        lambda w, c, t: f"!article add {w.article_url}",
        lambda w, c, t: {"url": w.article_url},
        r"Add this article\?",
    ),
    Case("article list", _fixed("!article list"), _no_options, r"^\nArticles"),
    Case(
        "article remove",
        _fixed("!article remove 999999"),
        lambda w, c, t: {"article_id": 999999},
        r"no article `999999` in this server",
    ),
    Case(
        "reaction hide",
        lambda w, c, t: f"!reaction hide {w.reaction_id}",
        lambda w, c, t: {"reaction_id": w.reaction_id},
        r"Reaction `\d+` by .* is hidden",
    ),
    Case(
        "reaction unhide",
        lambda w, c, t: f"!reaction unhide {w.reaction_id}",
        lambda w, c, t: {"reaction_id": w.reaction_id},
        r"is shown again",
    ),
    Case(
        "reaction feature",
        lambda w, c, t: f"!reaction feature {w.reaction_id}",
        lambda w, c, t: {"reaction_id": w.reaction_id},
        r"is featured",
    ),
    Case(
        "reaction unfeature",
        lambda w, c, t: f"!reaction unfeature {w.reaction_id}",
        lambda w, c, t: {"reaction_id": w.reaction_id},
        r"is no longer featured",
    ),
    Case(
        "movie alias",
        lambda w, c, t: f"!movie alias 12thfail alias {t}",
        lambda w, c, t: {"movie": "12thfail", "alias": f"alias {t}"},
        r"can now also be found as “alias ",
    ),
    Case(
        "movie rename",
        lambda w, c, t: f"!movie rename 12thfail 12th Fail {t}",
        lambda w, c, t: {"movie": "12thfail", "title": f"12th Fail {t}"},
        r"now shows as \*\*12th Fail ",
    ),
    Case("audit", _fixed("!audit"), _no_options, r"Moderator actions"),
    Case("settings show", _fixed("!settings"), _no_options, r"^\nSettings"),
    Case(
        "settings modrole",
        lambda w, c, t: f"!settings modrole {w.role.id}",
        lambda w, c, t: {"role": w.role},
        r"Updated the moderator role",
    ),
    Case(
        "settings spoilers",
        _fixed("!settings spoilers always"),
        lambda w, c, t: {"mode": "always"},
        r"Updated spoilers",
    ),
    Case(
        "settings page-size",
        _fixed("!settings page-size 5"),
        lambda w, c, t: {"size": 5},
        r"Updated the page size",
    ),
    Case(
        "schedule set",
        lambda w, c, t: f"!schedule set <#{c.id}> 1h",
        lambda w, c, t: {"channel": c, "every": "1h"},
        r"Scheduled: <#\d+>: reactions every hour",
    ),
    Case("schedule show", _fixed("!schedule show"), _no_options, r"[Ss]chedules"),
    Case(
        "schedule stop",
        lambda w, c, t: f"!schedule stop <#{c.id}>",
        # A string option (a deleted channel can be named by id: issue 12 finding 10).
        lambda w, c, t: {"channel": str(c.id)},
        r"<#\d+> has no schedule",
    ),
    # Prefix groups called bare: help for three, the settings/schedules overview for two.
    Case("article", _fixed("!article"), None, r"article add"),
    Case("reaction", _fixed("!reaction"), None, r"reaction hide"),
    Case("movie", _fixed("!movie"), None, r"movie alias"),
    Case("settings", _fixed("!settings"), None, r"^\nSettings"),
    Case("schedule", _fixed("!schedule"), None, r"[Ss]chedules"),
]
PREFIX_CASES = [case for case in CASES if case.prefix]
SLASH_CASES = [case for case in CASES if case.slash]


def caller_of(guild: Guild, world: World, caller: str) -> Member:
    return {
        "member": guild.member,
        "moderator-by-permission": guild.moderator,
        "moderator-by-role": world.curator,
        "dm": guild.moderator,  # even a moderator is refused outside a server
    }[caller]


def assert_outcome(case: Case, caller: str, answer: str) -> None:
    if caller == "member":
        assert REFUSAL in answer, answer
    elif caller == "dm":
        assert SERVER_ONLY in answer, answer
    else:
        assert REFUSAL not in answer, answer
        assert SERVER_ONLY not in answer, answer
        assert re.search(case.success, answer, re.MULTILINE), answer


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("case", PREFIX_CASES, ids=[case.name for case in PREFIX_CASES])
async def test_prefix_command(
    fake_discord: FakeDiscord,
    guild: Guild,
    channel: Channel,
    world: World,
    case: Case,
    caller: str,
) -> None:
    driver = fake_discord.driver
    who = caller_of(guild, world, caller)
    assert case.prefix is not None
    text = case.prefix(world, channel, f"{channel.id}")
    if caller == "dm":
        dm = driver.open_dm(who)
        await driver.send_dm(who, text)
        reply = await driver.wait_for(f"POST /channels/{dm.id}/messages")
    else:
        reply = await say(fake_discord, channel, who, text)
    assert_outcome(case, caller, text_of(reply.json))


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("case", SLASH_CASES, ids=[case.name for case in SLASH_CASES])
async def test_slash_command(
    fake_discord: FakeDiscord,
    guild: Guild,
    channel: Channel,
    world: World,
    case: Case,
    caller: str,
) -> None:
    driver = fake_discord.driver
    who = caller_of(guild, world, caller)
    assert case.slash is not None
    options = case.slash(world, channel, f"{channel.id}")
    # Discord hides these commands from members and DMs; forced, as a server admin's
    # command-permission override (or a stale client) would let them through, to test the
    # bot's own check on every call.
    if caller == "dm":
        handle = await driver.slash_dm(case.name, options, who, guild, force=True)
    else:
        handle = await driver.slash(case.name, options, who, channel, force=True)
    callback = (await handle.callback()).json
    if callback["type"] == 5:  # deferred: the answer replaces the "thinking" message
        assert callback["data"]["flags"] & EPHEMERAL, "moderator answers are ephemeral"
        answer = (await handle.original_edit()).json
    else:
        assert callback["type"] == 4, callback
        answer = callback["data"]
        assert answer["flags"] & EPHEMERAL, "moderator answers and refusals are ephemeral"
    assert_outcome(case, caller, text_of(answer))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def other(fake_discord: FakeDiscord, bot_process: BotProcess) -> Guild:
    """A second server, with its own moderator, that the bot is also in."""
    return await fake_discord.driver.create_guild("Elsewhere")


async def slash_answer(
    fake: FakeDiscord, name: str, options: dict[str, Any], who: Member, channel: Channel
) -> str:
    handle = await fake.driver.slash(name, options, who, channel)
    callback = (await handle.callback()).json
    answer = (await handle.original_edit()).json if callback["type"] == 5 else callback["data"]
    return text_of(answer)


async def test_article_and_reaction_ids_of_another_server_fail_closed(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, world: World, other: Guild
) -> None:
    driver = fake_discord.driver
    # The other server adds an article of its own (slash commands are synced to ours only).
    there = await driver.create_channel(other, "their-articles")
    await driver.send_message(
        there, other.moderator, f"!article add movie: Lantern Street\n{PASTED}"
    )
    preview = await driver.wait_for(f"POST /channels/{there.id}/messages")
    click = await driver.click(preview, button(preview.json, "Add"), other.moderator)
    added = text_of((await click.callback()).json["data"])
    article_id = int(re.findall(r"article `(\d+)`", added)[0])
    page = await say(fake_discord, there, other.member, "!reactions lantern street")
    theirs = reaction_ids(page.json)
    assert len(theirs) == 2

    # Our moderator names its ids, by prefix and by slash: each is "not in this server".
    mod = guild.moderator
    attempts = [
        (f"!article remove {article_id}", f"no article `{article_id}` in this server"),
        (f"!reaction hide {theirs[0]}", f"no reaction `{theirs[0]}` in this server"),
        (f"!reaction feature {theirs[1]}", f"no reaction `{theirs[1]}` in this server"),
    ]
    for text, refusal in attempts:
        assert refusal in text_of((await say(fake_discord, channel, mod, text)).json), text
    slash_attempts = [
        ("article remove", {"article_id": article_id}, f"no article `{article_id}`"),
        ("reaction hide", {"reaction_id": theirs[0]}, f"no reaction `{theirs[0]}`"),
        ("reaction feature", {"reaction_id": theirs[1]}, f"no reaction `{theirs[1]}`"),
    ]
    for name, options, refusal in slash_attempts:
        assert refusal in await slash_answer(fake_discord, name, options, mod, channel), name
    listing = await slash_answer(fake_discord, "article list", {}, mod, channel)
    assert f"`{article_id}`" not in listing
    unseen = text_of((await say(fake_discord, channel, guild.member, "!reactions lantern")).json)
    assert "I don't know a movie" in unseen

    # Nothing changed over there: the article is listed, both reactions show, in order.
    their_list = text_of((await say(fake_discord, there, other.moderator, "!article list")).json)
    assert f"`{article_id}`" in their_list
    again = await say(fake_discord, there, other.member, "!reactions lantern street")
    assert reaction_ids(again.json) == theirs


async def test_channel_of_another_server_fails_closed(
    fake_discord: FakeDiscord, guild: Guild, channel: Channel, world: World, other: Guild
) -> None:
    driver = fake_discord.driver
    theirs = await driver.create_channel(other, "their-posts")
    their_mod = other.moderator
    set_there = f"!schedule set <#{theirs.id}> daily"
    assert "Scheduled:" in text_of((await say(fake_discord, theirs, their_mod, set_there)).json)

    # Our moderator names their channel, every way there is.
    mod = guild.moderator
    named = {"channel": theirs}
    answers = [
        await slash_answer(fake_discord, "schedule set", named | {"every": "1h"}, mod, channel),
        await slash_answer(
            fake_discord, "schedule stop", {"channel": str(theirs.id)}, mod, channel
        ),
    ]
    for text in (f"!schedule set <#{theirs.id}> 1h", f"!schedule stop <#{theirs.id}>"):
        answers.append(text_of((await say(fake_discord, channel, mod, text)).json))
    # Refused, whatever the words (a slash option Discord would never resolve to another
    # server's channel dies in discord.py's transformer; a prefix mention in the converter).
    for answer in answers:
        assert "Scheduled" not in answer, answer
        assert "Stopped" not in answer, answer

    # Their schedule is untouched, and ours does not know their channel.
    listing = text_of((await say(fake_discord, theirs, their_mod, "!schedule show")).json)
    assert f"<#{theirs.id}>: reactions every day" in listing
    home = await slash_answer(fake_discord, "schedule show", {}, mod, channel)
    assert f"<#{theirs.id}>" not in home


def _prefix_moderator_commands() -> set[str]:
    """Name every prefix command guarded by `moderator_only`, from the cogs themselves."""
    found = set()
    for extension in EXTENSIONS:
        module = importlib.import_module(extension)
        for _, cog in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cog, commands.Cog) or cog.__module__ != extension:
                continue
            for command in cog.__cog_commands__:
                checks = [check.__qualname__ for check in command.checks]
                if any(name.startswith("moderator_only.") for name in checks):
                    found.add(command.qualified_name)
    return found


def _slash_moderator_commands(synced: list[dict[str, Any]]) -> set[str]:
    """Name every leaf slash command hidden from members (Manage Messages by default)."""
    found = set()

    def walk(prefix: str, options: list[dict[str, Any]]) -> None:
        leaves = [o for o in options if o["type"] in {1, 2}]
        if not leaves:
            found.add(prefix)
        for option in leaves:
            walk(f"{prefix} {option['name']}", option.get("options") or [])

    for command in synced:
        if int(command.get("default_member_permissions") or 0) == 1 << 13:
            walk(command["name"], command.get("options") or [])
    return found


def _prefix_name(case: Case, known: set[str]) -> str:
    """Return the qualified name of the prefix command a case's text calls."""
    assert case.prefix is not None
    stand_in: Any = SimpleNamespace(article_url="u", reaction_id=1, role=SimpleNamespace(id=1))
    words = case.prefix(stand_in, SimpleNamespace(id=1), "t").lstrip("!").split()  # type: ignore[arg-type]
    two = " ".join(words[:2])
    return two if two in known else words[0]


async def test_the_matrix_covers_every_moderator_command(
    fake_discord: FakeDiscord, bot_process: BotProcess
) -> None:
    guarded = _prefix_moderator_commands()
    assert len(guarded) >= 20
    assert {_prefix_name(case, guarded) for case in PREFIX_CASES} == guarded
    synced = fake_discord.driver.calls(bot_process.sync_route, since=0)[-1].json
    assert _slash_moderator_commands(synced) == {case.name for case in SLASH_CASES}
