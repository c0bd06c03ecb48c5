import re
from pathlib import Path

import pytest

from bot.config import CommandCooldown, ConfigError, Secret, Settings, bundled_articles_dir

REPO = Path(__file__).resolve().parents[2]
ENV_NAMES = {
    "DISCORD_TOKEN",
    "DATABASE_PATH",
    "DATABASE_URL",
    "ARTICLES_DIR",
    "COMMAND_PREFIX",
    "DISCORD_API_BASE",
    "DEV_GUILD_ID",
    "FETCH_ALLOW_HOSTS",
    "LOG_LEVEL",
    "COMMAND_COOLDOWN",
    "SCHEDULE_TICK_SECONDS",
    "MESSAGE_CONTENT_INTENT",
    "SHARD_COUNT",
    "SHARD_IDS",
}
# The web panel's settings: in .env.example and docs/web-panel.md; the README's table may
# list them too once it describes the panel (issue 16).
WEB_NAMES = {
    "WEB_LISTEN",
    "WEB_PUBLIC_URL",
    "DISCORD_CLIENT_SECRET",
    "DISCORD_AUTHORIZE_URL",
    "WEB_SESSION_SECRET",
}


def test_defaults_match_design() -> None:
    settings = Settings.from_env({})
    assert settings.database_path == Path("data/reactions.db")
    assert settings.articles_dir == bundled_articles_dir()
    assert (settings.articles_dir / "12th-fail.txt").is_file()
    assert settings.command_prefix == "!"
    assert settings.discord_api_base is None
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"
    assert settings.command_cooldown == CommandCooldown(uses=5, seconds=10.0)
    assert settings.schedule_tick_seconds == 30.0
    assert not settings.discord_token


def test_values_are_read_and_trimmed() -> None:
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": " abc.def ",
            "DEV_GUILD_ID": "123",
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10/",
            "FETCH_ALLOW_HOSTS": "Example.test, intranet ,",
            "LOG_LEVEL": "debug",
            "COMMAND_COOLDOWN": " 3 / 20 ",
            "SCHEDULE_TICK_SECONDS": "0.5",
        }
    )
    assert settings.discord_token.reveal() == "abc.def"
    assert settings.dev_guild_id == 123
    assert settings.discord_api_base == "http://127.0.0.1:9/api/v10"
    assert settings.fetch_allow_hosts == {"example.test", "intranet"}
    assert settings.log_level == "DEBUG"
    assert settings.command_cooldown == CommandCooldown(uses=3, seconds=20.0)
    assert settings.schedule_tick_seconds == 0.5


@pytest.mark.parametrize("value", ["0", "off", "OFF", "none"])
def test_cooldown_can_be_turned_off(value: str) -> None:
    assert Settings.from_env({"COMMAND_COOLDOWN": value}).command_cooldown is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEV_GUILD_ID", "abc"),
        ("LOG_LEVEL", "loud"),
        ("COMMAND_COOLDOWN", "5"),
        ("COMMAND_COOLDOWN", "five/10"),
        ("COMMAND_COOLDOWN", "0/10"),
        ("COMMAND_COOLDOWN", "5/0"),
        ("COMMAND_COOLDOWN", "5/nan"),
        ("COMMAND_COOLDOWN", "5/99999"),
        ("SCHEDULE_TICK_SECONDS", "0"),
        ("SCHEDULE_TICK_SECONDS", "soon"),
        ("SCHEDULE_TICK_SECONDS", "inf"),
        ("MESSAGE_CONTENT_INTENT", "maybe"),
        ("SHARD_COUNT", "0"),
        ("SHARD_COUNT", "two"),
    ],
)
def test_bad_values_say_which_setting(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_token_never_shows_itself() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": "super-secret-token"})
    assert "super-secret-token" not in repr(settings)
    assert "super-secret-token" not in str(Secret("super-secret-token"))


def test_env_example_and_readme_list_every_setting() -> None:
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    in_example = set(re.findall(r"^([A-Z_]+)=", example, re.MULTILINE))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    in_readme = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, re.MULTILINE))
    assert in_example == ENV_NAMES | WEB_NAMES
    assert in_readme == ENV_NAMES | WEB_NAMES
    panel_doc = (REPO / "docs" / "web-panel.md").read_text(encoding="utf-8")
    assert set(re.findall(r"^\| `([A-Z_]+)` \|", panel_doc, re.MULTILINE)) == WEB_NAMES


def test_message_content_intent_is_on_unless_turned_off() -> None:
    assert Settings.from_env({}).message_content_intent is True
    assert Settings.from_env({"MESSAGE_CONTENT_INTENT": "OFF"}).message_content_intent is False


def test_shards_default_to_discords_recommendation_and_all() -> None:
    settings = Settings.from_env({})
    assert (settings.shard_count, settings.shard_ids) == (None, None)


@pytest.mark.parametrize(
    ("ids", "expected"), [("0-3", (0, 1, 2, 3)), ("4,5", (4, 5)), ("1, 6-7", (1, 6, 7))]
)
def test_shard_ids_take_ids_and_ranges(ids: str, expected: tuple[int, ...]) -> None:
    settings = Settings.from_env({"SHARD_COUNT": "8", "SHARD_IDS": ids})
    assert (settings.shard_count, settings.shard_ids) == (8, expected)


@pytest.mark.parametrize(
    "env",
    [
        {"SHARD_IDS": "0-3"},
        {"SHARD_COUNT": "4", "SHARD_IDS": "4"},
        {"SHARD_COUNT": "4", "SHARD_IDS": "3-1"},
        {"SHARD_COUNT": "4", "SHARD_IDS": "one"},
    ],
)
def test_bad_shard_ids_say_what_is_wrong(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="SHARD"):
        Settings.from_env(env)
