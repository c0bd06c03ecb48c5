"""E2E fixtures: the loopback fake Discord, the bot process, and failing tests on violations.

The fake, its guild and the bot process are module-scoped and live on the module's event
loop, so e2e test modules declare
``pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
import pytest_asyncio

from tests.e2e.fake_discord import BotProcess, Channel, FakeDiscord, Guild, Violation

PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item, so fixture teardown can see a failure."""
    report = yield
    item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report
    return report


def format_violations(violations: Sequence[Violation]) -> str:
    """Describe violations for a failure message."""
    lines = "\n".join(f"  - {violation}" for violation in violations)
    return (
        f"the bot broke {len(violations)} Discord rule(s) (see fake_discord/validate.py):\n{lines}"
    )


# FAKE_DISCORD_MESSAGE_CONTENT=off runs every module with the Message Content intent left
# off in the fake's "developer portal": IDENTIFY asking for it is closed with 4014.
MESSAGE_CONTENT = os.environ.get("FAKE_DISCORD_MESSAGE_CONTENT", "on").lower() != "off"


def _skipper(fake: FakeDiscord) -> Callable[[str], None]:
    """Return what skips a test that needs the bot to read a message it cannot see."""

    def skip(content: str) -> None:
        # Faults the test queued for the answer it now never gets would hit the next test.
        fake.clear_faults()
        pytest.skip(f"needs the Message Content intent to read {content[:40]!r}")

    return skip


@pytest.fixture(scope="module")
def message_content_enabled() -> bool:
    """Tell whether the fake grants the Message Content intent (a module may override this)."""
    return MESSAGE_CONTENT


@asynccontextmanager
async def checked_fake(**options: Any) -> AsyncIterator[FakeDiscord]:
    """Run a fake Discord (``options`` as `FakeDiscord` takes them); violations still
    recorded once it has closed (the bot's last requests) fail the fixture's teardown."""
    async with FakeDiscord(**options) as fake:
        yield fake
    leftovers = fake.drain_violations()
    if leftovers:
        pytest.fail(format_violations(leftovers), pytrace=False)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fake_discord(message_content_enabled: bool) -> AsyncIterator[FakeDiscord]:
    """Start the fake Discord for this module; leftover violations fail the module teardown."""
    async with checked_fake(message_content=message_content_enabled) as fake:
        if not MESSAGE_CONTENT:
            fake.driver.on_hidden_content = _skipper(fake)
        yield fake


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def guild(fake_discord: FakeDiscord) -> Guild:
    """Create the module's guild (its id is the bot's DEV_GUILD_ID)."""
    return await fake_discord.driver.create_guild("Reel Test Guild")


@pytest_asyncio.fixture(loop_scope="module")
async def channel(
    fake_discord: FakeDiscord, guild: Guild, request: pytest.FixtureRequest
) -> Channel:
    """Create a fresh text channel for one test."""
    name = request.node.name.lower().replace("[", "-").strip("]")[:90]
    return await fake_discord.driver.create_channel(guild, name)


@pytest.fixture(scope="module")
def bot_argv() -> list[str]:
    """Return the bot's command line (a module may override this fixture)."""
    return [sys.executable, "-m", "bot"]


@pytest.fixture(scope="module")
def bot_env() -> dict[str, str]:
    """Return extra environment for the bot process (a module may override this fixture)."""
    return {}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot_process(
    fake_discord: FakeDiscord,
    guild: Guild,
    bot_argv: list[str],
    bot_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[BotProcess]:
    """Run one bot process for the whole module; stopped at module teardown."""
    bot = BotProcess(
        fake_discord, guild, tmp_path_factory.mktemp("bot"), argv=bot_argv, extra_env=bot_env
    )
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture(autouse=True)
def _fail_on_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the running test (at teardown) if the bot broke a rule while it ran."""
    if "fake_discord" not in request.fixturenames:
        yield
        return
    # Asked for now, so a fake of the test's own (function scope) is still open at teardown.
    fake: FakeDiscord = request.getfixturevalue("fake_discord")
    yield
    found = fake.drain_violations()
    if found:
        pytest.fail(format_violations(found), pytrace=False)


@pytest.fixture(autouse=True)
def _bot_log_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """Attach the bot's log lines written during a failed test to that test's report."""
    if "bot_process" not in request.fixturenames:
        yield
        return
    bot: BotProcess = request.getfixturevalue("bot_process")
    start = bot.log_size()
    yield
    reports = request.node.stash.get(PHASE_REPORTS, {})
    for report in reports.values():
        if report.failed:
            report.sections.append(("bot log during this test", bot.log_text(start)))
