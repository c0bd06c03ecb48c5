"""Guild settings and the audit log of moderator actions."""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import InvalidInput, StoreError
from bot.domain.records import (
    UNSET,
    AuditAction,
    AuditEntry,
    AuditInfo,
    GuildSettings,
    Unset,
)
from bot.store.cache import SETTINGS
from bot.store.repos.base import StoreBase
from bot.store.rules import (
    check_aware,
    check_limit,
    checked_settings,
    guild_only,
    scope,
    settings_target,
)


class SettingsRepo(StoreBase):
    """The settings and audit parts of the store."""

    async def get_guild_settings(self, guild_id: int | None) -> GuildSettings:
        """Return the guild's settings, the defaults when it never changed them.

        Kept in memory per guild until a write (of any process) changes them.
        """
        guild = scope(guild_id)
        return await self._cache.get(SETTINGS, guild, lambda: self._read_settings(guild))

    async def _read_settings(self, guild: int) -> GuildSettings:
        async with self._db.transaction(write=False) as s:
            row = await s.one("select_settings", {"guild": guild})
        return self._guild_settings(guild, row)

    async def update_guild_settings(
        self,
        guild_id: int,
        *,
        mod_role_id: int | Unset | None = UNSET,
        spoiler_mode: str | Unset = UNSET,
        page_size: int | Unset = UNSET,
        audit: AuditInfo | None = None,
    ) -> GuildSettings:
        """Change the settings given and return them all; ``mod_role_id=None`` clears it.

        Raises InvalidInput, changing nothing, for a role id that is not positive, a
        spoiler mode other than ``always``/``flagged``, or a page size outside 1..10.
        """
        guild = guild_only(guild_id, "A setting")
        change = checked_settings(mod_role_id, spoiler_mode, page_size)
        async with self._db.transaction(write=True) as s:
            current = self._guild_settings(guild, await s.one("select_settings", {"guild": guild}))
            updated = change.applied_to(current)
            await s.run(
                "upsert_settings",
                {
                    "guild": guild,
                    "mod_role_id": updated.mod_role_id,
                    "spoiler_mode": updated.spoiler_mode,
                    "page_size": updated.page_size,
                },
            )
            changes = change.changes()
            if audit is not None and changes:
                target = settings_target(changes)
                await self._audit(
                    s, guild, audit, AuditAction.SETTINGS_UPDATE, target, audit.reason
                )
        return updated

    async def record_audit(
        self,
        guild_id: int | None,
        user_id: int,
        action: str,
        target: str,
        reason: str | None = None,
        *,
        at: datetime | None = None,
        via: str = "discord",
    ) -> int:
        """Record a moderator action on its own (``at`` defaults to now); return its id.

        For a change the store makes, pass ``audit=`` to that method instead, so the row
        is written in the change's own transaction.
        """
        if not action:
            raise InvalidInput("An audit row needs an action.")
        check_aware(at, "The time of an audit row")
        guild = scope(guild_id)
        async with self._db.transaction(write=True) as s:
            row = await s.one(
                "insert_audit",
                {
                    "guild": guild,
                    "user_id": user_id,
                    "action": action,
                    "target": target,
                    "reason": reason,
                    "created_at": None if at is None else self._dialect.moment(at),
                    "via": via,
                },
            )
        if row is None:  # pragma: no cover - INSERT ... RETURNING always returns
            raise StoreError("inserting the audit row returned no id")
        return int(row["id"])

    async def list_audit(self, guild_id: int | None, limit: int) -> list[AuditEntry]:
        """Return the guild's ``limit`` most recent audit rows, newest first."""
        check_limit(limit)
        guild = scope(guild_id)
        async with self._db.transaction(write=False) as s:
            rows = await s.all("list_audit", {"guild": guild, "limit": limit})
        return [
            AuditEntry(
                id=row["id"],
                guild_id=row["guild_id"],
                user_id=row["user_id"],
                action=row["action"],
                target=row["target"],
                reason=row["reason"],
                created_at=self._dialect.moment_text(row["created_at"]),
                via=row["via"],
            )
            for row in rows
        ]
