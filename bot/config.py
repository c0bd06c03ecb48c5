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
    command_cooldown: CommandCooldown | None = DEFAULT_COOLDOWN
    schedule_tick_seconds: float = DEFAULT_SCHEDULE_TICK
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
            command_cooldown=parse_cooldown(get("COMMAND_COOLDOWN", str(DEFAULT_COOLDOWN))),
            schedule_tick_seconds=_tick_seconds(env),
            web=_web_settings(env),
        )
