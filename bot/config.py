"""Settings: every environment variable the bot reads, parsed once at the entry point."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from bot.domain.errors import ReelError

DEFAULT_DATABASE_PATH = "data/reactions.db"
DEFAULT_PREFIX = "!"
DEFAULT_LOG_LEVEL = "INFO"
DEFAULT_SCHEDULE_TICK = 30.0
DEFAULT_AUTHORIZE_URL = "https://discord.com/oauth2/authorize"
MAX_COOLDOWN_SECONDS = 3600.0
SCHEDULE_TICK_RANGE = (0.1, 3600.0)


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
class CommandCooldown:
    """At most ``uses`` calls of one member command by one member every ``seconds``."""

    uses: int
    seconds: float

    def __str__(self) -> str:
        return f"{self.uses}/{self.seconds:g}"


DEFAULT_COOLDOWN = CommandCooldown(uses=5, seconds=10.0)


def parse_cooldown(raw: str) -> CommandCooldown | None:
    """Read ``COMMAND_COOLDOWN``: ``USES/SECONDS`` (``5/10``), or ``0``/``off`` for none."""
    text = raw.strip().lower()
    if text in ("0", "off", "none"):
        return None
    uses, slash, seconds = text.partition("/")
    try:
        cooldown = CommandCooldown(int(uses), float(seconds.strip().removesuffix("s")))
    except ValueError:
        cooldown = None
    if (
        not slash
        or cooldown is None
        or cooldown.uses < 1
        or not 0 < cooldown.seconds <= MAX_COOLDOWN_SECONDS
    ):
        raise ConfigError(
            f"COMMAND_COOLDOWN must be USES/SECONDS such as 5/10 (seconds at most "
            f"{MAX_COOLDOWN_SECONDS:g}), or 0 for none; not {raw.strip()!r}"
        )
    return cooldown


def _tick_seconds(env: Mapping[str, str]) -> float:
    raw = env.get("SCHEDULE_TICK_SECONDS", "").strip()
    if not raw:
        return DEFAULT_SCHEDULE_TICK
    low, high = SCHEDULE_TICK_RANGE
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not low <= seconds <= high:
        raise ConfigError(
            f"SCHEDULE_TICK_SECONDS must be a number of seconds from {low:g} to {high:g}, "
            f"not {raw!r}"
        )
    return seconds


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("on", "yes", "true", "1"):
        return True
    if raw in ("off", "no", "false", "0"):
        return False
    raise ConfigError(f"{name} must be on or off, not {raw!r}")


def _shard_count(env: Mapping[str, str]) -> int | None:
    raw = env.get("SHARD_COUNT", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"SHARD_COUNT must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def parse_shard_ids(raw: str, count: int | None) -> tuple[int, ...] | None:
    """Read ``SHARD_IDS``: ids and ranges such as ``0-3`` or ``4,5``; empty means all."""
    text = raw.strip()
    if not text:
        return None
    if count is None:
        raise ConfigError("SHARD_IDS needs SHARD_COUNT: the total number of shards")
    ids: set[int] = set()
    for part in text.replace(" ", "").split(","):
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise ConfigError(f"SHARD_IDS must be ids and ranges such as 0-3 or 4,5, not {raw!r}")
        first, last = int(low), int(high) if dash else int(low)
        if first > last or last >= count:
            raise ConfigError(
                f"SHARD_IDS must name shards from 0 to {count - 1} (SHARD_COUNT is {count}), "
                f"not {raw.strip()!r}"
            )
        ids.update(range(first, last + 1))
    return tuple(sorted(ids))


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The moderators' web panel: where it listens, its public address, its secrets."""

    host: str
    port: int
    public_url: str
    client_secret: Secret
    session_secret: Secret
    authorize_url: str = DEFAULT_AUTHORIZE_URL

    @property
    def redirect_uri(self) -> str:
        """Return the OAuth2 redirect URI Discord sends the browser back to."""
        return self.public_url + "/auth/callback"

    @property
    def secure(self) -> bool:
        """Say whether browsers reach the panel over HTTPS (cookies are then Secure)."""
        return self.public_url.startswith("https://")


def _listen(raw: str) -> tuple[str, int]:
    host, colon, port = raw.rpartition(":")
    host = host.strip().removeprefix("[").removesuffix("]")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"WEB_LISTEN must be HOST:PORT such as 127.0.0.1:8080, not {raw!r}")
    return host, int(port)


def _web_settings(env: Mapping[str, str]) -> WebSettings | None:
    # Every panel variable is read even when the panel is off, so none is silently ignored.
    raw = env.get("WEB_LISTEN", "").strip()
    public = env.get("WEB_PUBLIC_URL", "").strip().rstrip("/")
    client_secret = Secret(env.get("DISCORD_CLIENT_SECRET", "").strip())
    session_secret = Secret(env.get("WEB_SESSION_SECRET", "").strip())
    authorize = env.get("DISCORD_AUTHORIZE_URL", "").strip() or DEFAULT_AUTHORIZE_URL
    if not raw:
        return None
    host, port = _listen(raw)
    public = public or f"http://{raw}"
    if not public.startswith(("http://", "https://")):
        raise ConfigError(f"WEB_PUBLIC_URL must start with http:// or https://, not {public!r}")
    return WebSettings(
        host=host,
        port=port,
        public_url=public,
        client_secret=client_secret,
        session_secret=session_secret,
        authorize_url=authorize,
    )


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def _database_url(env: Mapping[str, str]) -> Secret | None:
    """Return DATABASE_URL when set, refusing anything but a PostgreSQL URL."""
    raw = env.get("DATABASE_URL", "").strip()
    if not raw:
        return None
    if not raw.lower().startswith(POSTGRES_SCHEMES):
        # The value may hold a password: say what is wrong without repeating it.
        raise ConfigError(
            "DATABASE_URL must be a PostgreSQL URL starting with postgresql:// or postgres:// "
            "(leave it empty to use SQLite at DATABASE_PATH)"
        )
    return Secret(raw)


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of DESIGN.md's environment table, typed."""

    discord_token: Secret = field(default_factory=lambda: Secret(""))
    database_path: Path = Path(DEFAULT_DATABASE_PATH)
    database_url: Secret | None = None
    """A PostgreSQL URL (it may hold a password); when set, the store is there, not SQLite."""
    articles_dir: Path = field(default_factory=bundled_articles_dir)
    command_prefix: str = DEFAULT_PREFIX
    discord_api_base: str | None = None
    dev_guild_id: int | None = None
    fetch_allow_hosts: frozenset[str] = frozenset()
    log_level: str = DEFAULT_LOG_LEVEL
    command_cooldown: CommandCooldown | None = DEFAULT_COOLDOWN
    schedule_tick_seconds: float = DEFAULT_SCHEDULE_TICK
    message_content_intent: bool = True
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    env_file: Path | None = None
    """The env file the values came from (set by the CLI; None when there was none)."""
    web: WebSettings | None = None

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
        shard_count = _shard_count(env)
        return cls(
            discord_token=Secret(env.get("DISCORD_TOKEN", "").strip()),
            database_path=Path(get("DATABASE_PATH", DEFAULT_DATABASE_PATH)),
            database_url=_database_url(env),
            articles_dir=Path(articles) if articles else bundled_articles_dir(),
            command_prefix=get("COMMAND_PREFIX", DEFAULT_PREFIX),
            discord_api_base=env.get("DISCORD_API_BASE", "").strip().rstrip("/") or None,
            dev_guild_id=_optional_int(env, "DEV_GUILD_ID"),
            fetch_allow_hosts=frozenset(
                host.strip().lower() for host in hosts.replace(";", ",").split(",") if host.strip()
            ),
            log_level=level,
            command_cooldown=parse_cooldown(get("COMMAND_COOLDOWN", str(DEFAULT_COOLDOWN))),
            schedule_tick_seconds=_tick_seconds(env),
            message_content_intent=_switch(env, "MESSAGE_CONTENT_INTENT", default=True),
            shard_count=shard_count,
            shard_ids=parse_shard_ids(env.get("SHARD_IDS", ""), shard_count),
            web=_web_settings(env),
        )
