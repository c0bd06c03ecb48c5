"""`ReelBot`: intents, no mentions, start-up order, error routing and shutdown."""

from __future__ import annotations

import gc
import hashlib
import json
import logging
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.discord_ui.channel_access import ChannelAccess
from bot.discord_ui.reporter import report_to_context, report_to_interaction
from bot.discord_ui.search_pager import KeptSearchButton, SearchButton
from bot.discord_ui.views import Confirmations, ConfirmButton, PageButton
from bot.ingest.files import ingest_paths
from bot.ingest.worker import shutdown_worker
from bot.store import ReactionStore
from bot.store import open_store as open_backend
from bot.store.coordination import IdentifyTurns
from bot.store.factory import database_label, identify_turns
from bot.store.sqlite.migrate import sqlite_library_version

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.reactions",
    "cogs.discovery",
    "cogs.articles",
    "cogs.curation",
    "cogs.settings",
    "cogs.schedules",
)
COMMANDS_HASH_KEY = "global_commands_hash"
# Slash commands are for servers that installed the bot, and for its DMs; moderator
# commands narrow this to servers (`cogs._checks`). Set explicitly: Discord's
# `dm_permission`, which discord.py derives from `guild_only`, is deprecated (issue 12).
COMMAND_CONTEXTS = app_commands.AppCommandContext(
    guild=True, dm_channel=True, private_channel=False
)
COMMAND_INSTALLS = app_commands.AppInstallationType(guild=True, user=False)


class _NoIntentNagging(logging.Filter):
    """Drop discord.py's generic "message content intent is missing" warning.

    The bot says once, in its own words, what runs without the intent (`bot.cli`).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but that one warning."""
        return "message content intent is missing" not in record.getMessage()


_COMMANDS_LOG = logging.getLogger("discord.ext.commands.bot")


def use_api_base(base: str) -> None:
    """Send REST calls to ``base`` instead of Discord (a proxy, or the tests' fake).

    The gateway URL is asked of that API in `ReelBot.setup_hook`, because discord.py
    otherwise dials Discord's default gateway whatever the REST base is.
    """
    discord.http.Route.BASE = base


async def open_store(settings: Settings) -> ReactionStore:
    """Open and migrate the bot's database, logging the backend's version and the schema's.

    Raises `StoreError`, with a one-line message, when the database cannot be used.
    `bot.cli` calls this before the Discord client exists, so a bad database is refused
    without touching the network.
    """
    if settings.database_url is None:
        log.info("Using SQLite %s", sqlite_library_version())
    store = await open_backend(settings)
    log.info(
        "Database %s at schema version %d",
        database_label(settings),
        await store.schema_version(),
    )
    return store


class MessageContentNotEnabled(discord.ClientException):
    """The application does not have the privileged Message Content intent enabled."""


class ReelTree(app_commands.CommandTree["ReelBot"]):
    """Command tree whose errors go through the bot's one reporter."""

    async def on_error(
        self, interaction: discord.Interaction[ReelBot], error: app_commands.AppCommandError
    ) -> None:
        """Report a slash command's failure to its user, ephemerally."""
        await report_to_interaction(interaction, error)


def settle_start_up() -> None:
    """Keep what start-up made (modules, commands, the store) out of every later collection.

    A full collection walks every object the collector tracks; in a bot that runs for
    weeks most of them are start-up's, alive for good, and each walk of them paused the
    event loop for tens of milliseconds in a burst of commands. `gc.freeze` moves them to
    the permanent generation (https://docs.python.org/3/library/gc.html#gc.freeze); start-up's
    garbage is collected first so that none of it is kept for good (after a 4014 the first
    client, frozen with the rest, is garbage: unfrozen, it is collected too).
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class ReelBot(commands.AutoShardedBot):
    """The Reaction Reel bot: one store, the cogs, and the start-up sequence.

    It runs the shards ``SHARD_COUNT``/``SHARD_IDS`` name (by default every shard Discord
    recommends) on one connection each; ``on_ready`` fires once all of them are ready.
    ``whole_process`` says the bot is all its process runs (``python -m bot``): start-up
    then ends with `settle_start_up`.
    """

    store: ReactionStore
    user: discord.ClientUser

    def __init__(
        self,
        settings: Settings,
        store: ReactionStore | None = None,
        *,
        message_content: bool | None = None,
        whole_process: bool = False,
    ) -> None:
        # The bot never joins voice: without this, discord.py's Client warns at start-up
        # that PyNaCl and davey (voice libraries) are missing. These flags are its switch.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        intents = discord.Intents.default()
        # Prefix commands in servers read message text, which needs the privileged intent;
        # without it Discord still sends the text of mentions and DMs, so a mention works
        # as a prefix either way.
        intents.message_content = (
            settings.message_content_intent if message_content is None else message_content
        )
        if not any(isinstance(f, _NoIntentNagging) for f in _COMMANDS_LOG.filters):
            _COMMANDS_LOG.addFilter(_NoIntentNagging())
        super().__init__(
            command_prefix=commands.when_mentioned_or(settings.command_prefix),
            intents=intents,
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) if settings.shard_ids is not None else None,  # type: ignore[arg-type]
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ReelTree,
            allowed_contexts=COMMAND_CONTEXTS,
            allowed_installs=COMMAND_INSTALLS,
            case_insensitive=True,
            strip_after_prefix=True,
            description="Movie reactions from around the internet, spoiler-tagged.",
            # No feature reads discord.py's cache of recent messages (it serves edit,
            # delete and reaction events, which no cog listens to); a thousand messages
            # of five embeds each would only be memory for the garbage collector to walk.
            max_messages=None,
        )
        self.settings = settings
        self.confirmations = Confirmations()
        self.channel_access = ChannelAccess()
        self.add_check(self.channel_access.check)
        self._owns_store = store is None
        if store is not None:
            self.store = store
        self._whole_process = whole_process
        self._identify_turns: IdentifyTurns | None = None
        self._identify_buckets: int | None = None

    async def setup_hook(self) -> None:
        """Open the store (unless given one), load articles and cogs, sync commands.

        Raises `MessageContentNotEnabled` first, before anything is loaded, when the bot
        asks for the Message Content intent and the application does not have it.
        """
        if self.intents.message_content:
            await self._check_message_content()
        if getattr(self, "store", None) is None:
            self.store = await open_store(self.settings)
        if self.settings.discord_api_base:
            _shards, url, _limits = await self.http.get_bot_gateway()
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
            log.info("Using the API at %s and its gateway %s", self.settings.discord_api_base, url)
        # Parsed in-process: the folder holds the operator's own files, and nothing else
        # waits on the event loop before the gateway connects.
        report = await ingest_paths(self.store, [self.settings.articles_dir])
        for path, reason in report.failed:
            log.warning("Skipped article %s: %s", path, reason)
        log.info(
            "Loaded %d article(s) from %s, skipped %d",
            len(report.stored),
            self.settings.articles_dir,
            len(report.failed),
        )
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(PageButton, SearchButton, KeptSearchButton, ConfirmButton)
        await self.sync_commands()
        if self._whole_process:
            settle_start_up()

    async def _check_message_content(self) -> None:
        """Raise `MessageContentNotEnabled` unless the application has the intent enabled.

        Asked of the application's flags (1 << 18 or, for bots in under 100 servers,
        1 << 19), so a bot without it is rebuilt without it at once instead of after
        Discord closes its gateway with 4014.
        """
        flags = (await self.application_info()).flags
        if not (flags.gateway_message_content or flags.gateway_message_content_limited):
            raise MessageContentNotEnabled()

    async def sync_commands(self) -> None:
        """Sync slash commands: to the dev guild at once, globally only when they changed."""
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d command(s) to guild %s", len(synced), guild.id)
            return
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        if await self.store.get_meta(COMMANDS_HASH_KEY) == digest:
            log.info("Global commands unchanged; not syncing")
            return
        synced = await self.tree.sync()
        await self.store.set_meta(COMMANDS_HASH_KEY, digest)
        log.info("Synced %d global command(s)", len(synced))

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait for the shard's turn to IDENTIFY, taken through the database.

        Discord starts one session per bucket (``shard_id % max_concurrency``) every 5 s,
        across all of the application's processes, and refuses an IDENTIFY too soon (docs:
        Gateway > Rate Limiting; Sharding > Max Concurrency). On PostgreSQL the processes
        take turns through the database; on SQLite this process takes them, and keeps the
        window in the database for its restart (`bot.store.coordination`). This replaces
        discord.py's default, which sleeps 5 s before every IDENTIFY but a process's
        first, whatever its bucket and whoever else identifies.
        """
        if self._identify_turns is None:
            self._identify_turns = identify_turns(self.store)
        bucket = (shard_id or 0) % await self._buckets()
        await self._identify_turns.take(bucket)
        log.debug("Shard %s has the turn to IDENTIFY in bucket %d", shard_id, bucket)

    async def _buckets(self) -> int:
        """Return ``max_concurrency``, asked of ``GET /gateway/bot`` once (1 if it fails)."""
        if self._identify_buckets is None:
            try:
                limits = await self.fetch_session_start_limits()
            except discord.GatewayNotFound as error:
                log.warning("Cannot read the session start limit (%s); assuming 1", error)
                return 1
            self._identify_buckets = max(1, limits.max_concurrency)
        return self._identify_buckets

    def serves_guild(self, guild_id: int) -> bool:
        """Tell whether this process runs the shard of ``guild_id`` (Discord's rule)."""
        if self.shard_count is None or self.shard_ids is None:
            return True
        return (guild_id >> 22) % self.shard_count in self.shard_ids

    async def on_ready(self) -> None:
        """Log who the bot is and where."""
        log.info("Ready as %s (%s) in %d guild(s)", self.user, self.user.id, len(self.guilds))

    async def on_command_error(
        self, ctx: commands.Context[Any], error: commands.CommandError
    ) -> None:
        """Report a prefix command's failure to its invoker."""
        await report_to_context(ctx, error)

    async def close(self) -> None:
        """Close the Discord connection, the parse worker, and the database it opened.

        A store it was given belongs to the caller, which may start another bot on it
        (`bot.cli` does, when Discord refuses the Message Content intent).
        """
        try:
            try:
                await super().close()
            except AttributeError as error:
                # discord.py 2.7.1: AutoShardedClient.close() of a client that never logged
                # in fails on its shard queue (made at login), after all else is closed.
                if "_AutoShardedClient__queue" not in str(error):
                    raise
            await shutdown_worker()
        finally:
            # On PostgreSQL the last IDENTIFY's turn is held out, so that no process
            # anywhere, this one restarted included, IDENTIFYs within its window.
            if self._identify_turns is not None:
                await self._identify_turns.close()
            store = getattr(self, "store", None)
            if store is not None and self._owns_store:
                await store.close()
