"""Settings: every environment variable the bot reads, parsed once at the entry point."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from bot.errors import ReelError

DEFAULT_DATABASE_PATH = "data/reactions.db"
DEFAULT_PREFIX = "!"
DEFAULT_LOG_LEVEL = "INFO"


def bundled_articles_dir() -> Path:
    """Return the folder of articles shipped with the package."""
    return Path(str(files("bot") / "data" / "articles"))


class ConfigError(ReelError):
    """A setting has a value the bot cannot use; the message says which and why."""


class Secret:
    """A string that never shows itself in ``repr``, ``str`` or a log line."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret itself, for the one call that needs it."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


def _optional_int(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number (a Discord id), not {raw!r}") from None


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of DESIGN.md's environment table, typed."""

    discord_token: Secret = field(default_factory=lambda: Secret(""))
    database_path: Path = Path(DEFAULT_DATABASE_PATH)
    articles_dir: Path = field(default_factory=bundled_articles_dir)
    command_prefix: str = DEFAULT_PREFIX
    discord_api_base: str | None = None
    dev_guild_id: int | None = None
    fetch_allow_hosts: frozenset[str] = frozenset()
    log_level: str = DEFAULT_LOG_LEVEL

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from an environment mapping; empty values mean the default."""

        def get(name: str, default: str) -> str:
            return env.get(name, "").strip() or default

        articles = env.get("ARTICLES_DIR", "").strip()
        hosts = env.get("FETCH_ALLOW_HOSTS", "")
        level = get("LOG_LEVEL", DEFAULT_LOG_LEVEL).upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
        return cls(
            discord_token=Secret(env.get("DISCORD_TOKEN", "").strip()),
            database_path=Path(get("DATABASE_PATH", DEFAULT_DATABASE_PATH)),
            articles_dir=Path(articles) if articles else bundled_articles_dir(),
            command_prefix=get("COMMAND_PREFIX", DEFAULT_PREFIX),
            discord_api_base=env.get("DISCORD_API_BASE", "").strip().rstrip("/") or None,
            dev_guild_id=_optional_int(env, "DEV_GUILD_ID"),
            fetch_allow_hosts=frozenset(
                host.strip().lower() for host in hosts.replace(";", ",").split(",") if host.strip()
            ),
            log_level=level,
        )
