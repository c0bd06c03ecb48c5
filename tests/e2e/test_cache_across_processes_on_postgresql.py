"""The operator's CLI and the bot on one PostgreSQL database: the next command sees the CLI's write.

The tests of tests/e2e/test_cache_across_processes.py, imported so they cannot drift apart,
against a bot and a CLI whose DATABASE_URL names a fresh database on the run's throwaway
server: the bot hears the CLI's commit through LISTEN/NOTIFY.
"""

from __future__ import annotations

import pytest
import pytest_asyncio

from tests.conftest import postgres_server
from tests.e2e.test_cache_across_processes import (
    test_a_title_the_cli_changes_is_used_by_the_next_command,
    test_an_alias_the_cli_adds_is_used_by_the_next_command,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

NEEDS_POSTGRESQL = True
"""Left out, with the PostgreSQL half, where its binaries are missing (tests/conftest.py)."""

__all__ = [
    "test_a_title_the_cli_changes_is_used_by_the_next_command",
    "test_an_alias_the_cli_adds_is_used_by_the_next_command",
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def database_url() -> str:
    """Create this module's PostgreSQL database (skips the module without PostgreSQL)."""
    return await postgres_server().create_database()


@pytest.fixture(scope="module")
def bot_env(database_url: str) -> dict[str, str]:
    """Run the bot (and so the CLI, which takes the bot's database) on PostgreSQL."""
    return {"DATABASE_URL": database_url}
