"""Member command plumbing: the per-member cooldown, its notice, and answering in time."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.config import CommandCooldown
from bot.discord_ui.answers import answer_in_time
from bot.discord_ui.reporter import QuietCooldown, describe_error
from bot.domain.errors import PageOutOfRange, UnknownMovie, UserError
from cogs._member import MemberCooldowns, is_bad_input

GUILD, ALICE, BOB = 10, 1, 2


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(uses: int = 2, seconds: float = 10.0) -> tuple[MemberCooldowns, Clock]:
    clock = Clock()
    return MemberCooldowns(CommandCooldown(uses, seconds), clock), clock


def test_each_member_gets_uses_per_window_per_command() -> None:
    cooldowns, clock = limiter(uses=2, seconds=10)
    assert cooldowns.hit("reactions", GUILD, ALICE) is None
    clock.now += 3
    assert cooldowns.hit("reactions", GUILD, ALICE) is None
    throttle = cooldowns.hit("reactions", GUILD, ALICE)
    assert throttle is not None
    assert throttle.retry_after == pytest.approx(7)  # the window began at the first call
    assert cooldowns.hit("reactions", GUILD, BOB) is None  # another member
    assert cooldowns.hit("search", GUILD, ALICE) is None  # another command
    assert cooldowns.hit("reactions", GUILD + 1, ALICE) is None  # another server
    clock.now += 7
    assert cooldowns.hit("reactions", GUILD, ALICE) is None  # a new window


def test_the_member_is_told_once_per_window() -> None:
    cooldowns, clock = limiter(uses=1)
    cooldowns.hit("random", GUILD, ALICE)
    first = cooldowns.hit("random", GUILD, ALICE)
    again = cooldowns.hit("random", GUILD, ALICE)
    assert first is not None
    assert not first.warned_before
    assert again is not None
    assert again.warned_before
    clock.now += 10
    assert cooldowns.hit("random", GUILD, ALICE) is None


def test_refund_gives_back_a_call() -> None:
    cooldowns, _ = limiter(uses=1)
    assert cooldowns.hit("reactions", GUILD, ALICE) is None
    cooldowns.refund("reactions", GUILD, ALICE)
    assert cooldowns.hit("reactions", GUILD, ALICE) is None
    assert cooldowns.hit("reactions", GUILD, ALICE) is not None


def test_no_rate_means_no_cooldown() -> None:
    cooldowns = MemberCooldowns(None)
    assert all(cooldowns.hit("reactions", GUILD, ALICE) is None for _ in range(100))


def test_ended_windows_are_forgotten() -> None:
    cooldowns, clock = limiter(uses=1, seconds=10)
    for user in range(500):
        cooldowns.hit("reactions", GUILD, user)
    clock.now += 11
    cooldowns.hit("reactions", GUILD, ALICE)
    assert len(cooldowns._windows) == 1


@pytest.mark.parametrize(
    ("retry_after", "shown"), [(0.01, 1), (0.5, 1), (1.0, 1), (1.2, 2), (9.99, 10)]
)
def test_cooldown_notice_says_whole_seconds_at_least_one(retry_after: float, shown: int) -> None:
    cooldown = commands.Cooldown(5, 10)
    for error in (
        commands.CommandOnCooldown(cooldown, retry_after, commands.BucketType.member),
        app_commands.CommandOnCooldown(cooldown, retry_after),
    ):
        assert describe_error(error) == f"Slow down — try again in {shown} s."


def test_a_repeated_cooldown_is_not_reported() -> None:
    error = QuietCooldown(commands.Cooldown(5, 10), 3.0, commands.BucketType.member)
    assert describe_error(error) is None


@pytest.mark.parametrize(
    ("error", "refunded"),
    [
        (UnknownMovie("12thfial", ["12th Fail"]), True),
        (PageOutOfRange("There is no page 9."), True),
        (commands.BadArgument("nope"), True),
        (commands.CommandInvokeError(UnknownMovie("x")), True),
        (UserError("There are no reactions to show yet."), False),
        (RuntimeError("boom"), False),
    ],
    ids=["unknown-movie", "page", "bad-argument", "wrapped", "no-reactions", "bug"],
)
def test_bad_input_is_refunded_other_failures_are_not(error: Exception, refunded: bool) -> None:
    assert is_bad_input(error) is refunded


class Response:
    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.done = False

    def is_done(self) -> bool:
        return self.done

    async def defer(self, **kwargs: Any) -> None:
        self.done = True
        self.log.append(f"defer {kwargs}")

    async def send_message(self, **kwargs: Any) -> None:
        self.done = True
        self.log.append(f"send {kwargs['content']}")


class Interaction:
    """Records what a command did with its interaction, in order."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.response = Response(self.log)

    async def edit_original_response(self, **kwargs: Any) -> None:
        self.log.append(f"edit {kwargs['content']}")

    async def delete_original_response(self) -> None:
        self.log.append("delete")


async def reply_after(seconds: float, content: str = "done") -> tuple[str, list[Any], None]:
    await asyncio.sleep(seconds)
    return content, [], None


async def test_quick_work_is_answered_in_one_response() -> None:
    interaction = Interaction()
    await answer_in_time(interaction, reply_after(0), within=5)  # type: ignore[arg-type]
    assert interaction.log == ["send done"]


async def test_slow_work_is_deferred_then_fills_the_deferred_message() -> None:
    interaction = Interaction()
    await answer_in_time(interaction, reply_after(0.3), within=0.05)  # type: ignore[arg-type]
    assert interaction.log == ["defer {'thinking': True}", "edit done"]


async def test_slow_failure_keeps_the_thinking_message_for_the_error_and_raises() -> None:
    """The reporter then fills the "thinking…" message with the error (issue 12, finding 3)."""

    async def fail_late() -> tuple[str, list[Any], None]:
        await asyncio.sleep(0.2)
        raise UnknownMovie("zzz")

    interaction = Interaction()
    with pytest.raises(UnknownMovie):
        await answer_in_time(interaction, fail_late(), within=0.05)  # type: ignore[arg-type]
    assert interaction.log == ["defer {'thinking': True}"]


async def test_quick_failure_raises_without_deferring() -> None:
    async def fail() -> tuple[str, list[Any], None]:
        raise UnknownMovie("zzz")

    interaction = Interaction()
    with pytest.raises(UnknownMovie):
        await answer_in_time(interaction, fail(), within=5)  # type: ignore[arg-type]
    assert interaction.log == []


async def test_a_failed_defer_stops_the_work() -> None:
    started = asyncio.Event()
    finished = False

    async def work() -> tuple[str, list[Any], None]:
        nonlocal finished
        started.set()
        await asyncio.sleep(0.2)
        finished = True
        return "late", [], None

    interaction = Interaction()

    async def refuse(**kwargs: Any) -> None:
        raise discord.ClientException("gone")

    interaction.response.defer = refuse  # type: ignore[method-assign]
    with pytest.raises(discord.ClientException):
        await answer_in_time(interaction, work(), within=0.05)  # type: ignore[arg-type]
    await asyncio.sleep(0.3)
    assert started.is_set()
    assert not finished
