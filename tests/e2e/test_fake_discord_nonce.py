"""The fake's Create Message nonce rules: ``nonce`` is an integer or a string of up to 25
characters; with ``enforce_nonce`` a nonce the bot used in the same channel in the last few
minutes gives back that message instead of a new one (docs: Message > Create Message,
JSON/Form Params). Driven by raw HTTP, no bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from tests.e2e.fake_discord import Channel, FakeDiscord, messages

pytestmark = pytest.mark.e2e

BODY: dict[str, Any] = {"content": "scheduled", "allowed_mentions": {"parse": []}}


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as started:
        yield started


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post(
    http: aiohttp.ClientSession, fake: FakeDiscord, channel: Channel, **fields: Any
) -> tuple[int, dict[str, Any]]:
    url = f"{fake.api_base}/channels/{channel.id}/messages"
    async with http.post(url, json=BODY | fields) as response:
        return response.status, await response.json()


def stored_in(fake: FakeDiscord, channel: Channel) -> list[dict[str, Any]]:
    return [m for m in fake.world.messages.values() if m["channel_id"] == str(channel.id)]


async def test_an_enforced_nonce_returns_the_message_made_with_it(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guild = await fake.driver.create_guild()
    first_status, first = await post(http, fake, guild.channel, nonce="slot-1", enforce_nonce=True)
    again_status, again = await post(http, fake, guild.channel, nonce="slot-1", enforce_nonce=True)
    assert (first_status, again_status) == (200, 200)
    assert again["id"] == first["id"]
    assert first["nonce"] == "slot-1"
    assert len(stored_in(fake, guild.channel)) == 1
    _, other = await post(http, fake, guild.channel, nonce="slot-2", enforce_nonce=True)
    assert other["id"] != first["id"]
    assert fake.drain_violations() == []


async def test_without_enforce_nonce_or_after_the_window_a_new_message_is_made(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guild = await fake.driver.create_guild()
    _, first = await post(http, fake, guild.channel, nonce=7)
    _, unenforced = await post(http, fake, guild.channel, nonce=7)
    _, enforced = await post(http, fake, guild.channel, nonce=7, enforce_nonce=True)
    assert unenforced["id"] != first["id"]
    assert enforced["id"] == unenforced["id"]  # the last message made with it
    fake.advance_clock(messages.NONCE_WINDOW)
    _, later = await post(http, fake, guild.channel, nonce=7, enforce_nonce=True)
    assert later["id"] != enforced["id"]
    assert len(stored_in(fake, guild.channel)) == 3


async def test_an_enforced_nonce_in_another_channel_is_a_violation(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guild = await fake.driver.create_guild()
    elsewhere = await fake.driver.create_channel(guild, "elsewhere")
    _, first = await post(http, fake, guild.channel, nonce="n", enforce_nonce=True)
    _, second = await post(http, fake, elsewhere, nonce="n", enforce_nonce=True)
    assert second["id"] != first["id"]
    assert [v.rule for v in fake.drain_violations()] == ["nonce.reused"]


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"nonce": "x" * 26}, "nonce"),
        ({"nonce": 10**25}, "nonce"),
        ({"nonce": True}, "nonce"),
        ({"nonce": ["a"]}, "nonce"),
        ({"nonce": "a", "enforce_nonce": "yes"}, "enforce_nonce"),
    ],
    ids=["long-string", "long-integer", "boolean", "list", "enforce-not-boolean"],
)
async def test_bad_nonces_are_refused(
    fake: FakeDiscord, http: aiohttp.ClientSession, fields: dict[str, Any], rule: str
) -> None:
    guild = await fake.driver.create_guild()
    status, body = await post(http, fake, guild.channel, **fields)
    assert (status, body["code"]) == (400, 50035)
    assert [v.rule for v in fake.drain_violations()] == [rule]
    assert stored_in(fake, guild.channel) == []


async def test_a_25_character_nonce_is_accepted(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guild = await fake.driver.create_guild()
    status, _ = await post(http, fake, guild.channel, nonce="x" * 25, enforce_nonce=True)
    assert status == 200
    assert fake.drain_violations() == []
