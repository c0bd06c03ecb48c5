"""Which guilds a bot process serves when it runs some of the shards (SHARD_IDS)."""

from __future__ import annotations

from bot.config import Settings
from bot.discord_ui.client import ReelBot


def guild_on(shard: int, count: int) -> int:
    """Return a guild id that Discord routes to ``shard`` of ``count``."""
    return ((1_000 * count + shard) << 22) | 12345


def test_a_process_serves_only_the_guilds_of_its_shards() -> None:
    bot = ReelBot(Settings.from_env({"SHARD_COUNT": "4", "SHARD_IDS": "1-2"}))
    served = [shard for shard in range(4) if bot.serves_guild(guild_on(shard, 4))]
    assert served == [1, 2]


def test_a_process_with_every_shard_serves_every_guild() -> None:
    bot = ReelBot(Settings.from_env({}))
    assert all(bot.serves_guild(guild_on(shard, 3)) for shard in range(3))
