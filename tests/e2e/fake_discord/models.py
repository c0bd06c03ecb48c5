"""Plain data classes for the users, guilds, channels and uploads the fake knows about."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class User:
    """A Discord user (a person or the bot)."""

    id: int
    username: str
    bot: bool = False

    @property
    def mention(self) -> str:
        """Return the ``<@id>`` mention string."""
        return f"<@{self.id}>"


@dataclass(frozen=True)
class Role:
    """A guild role; ``permissions`` is Discord's permission bit set."""

    id: int
    name: str
    permissions: int
    position: int = 0


@dataclass(frozen=True)
class Overwrite:
    """A channel permission overwrite: ``type`` 0 for a role (or @everyone), 1 for a member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0


@dataclass(eq=False)
class Channel:
    """A guild channel (type 0 text, 11 public thread, 1 DM).

    ``denied`` are permission bits an @everyone overwrite denies in this channel;
    ``overwrites`` holds any others (tests change them with ``Driver.set_overwrite``).
    A thread has its parent's permissions (``parent_id``) and no overwrites of its own.
    """

    id: int
    guild_id: int
    name: str
    type: int = 0
    position: int = 0
    denied: int = 0
    parent_id: int | None = None
    overwrites: list[Overwrite] = field(default_factory=list)

    def all_overwrites(self) -> list[Overwrite]:
        """Return the overwrites Discord stores, ``denied`` folded into @everyone's."""
        everyone = next((o for o in self.overwrites if o.id == self.guild_id), None)
        others = [o for o in self.overwrites if o.id != self.guild_id]
        if everyone is None and not self.denied:
            return others
        allow = everyone.allow if everyone else 0
        deny = (everyone.deny if everyone else 0) | self.denied
        return [Overwrite(self.guild_id, 0, allow, deny), *others]


@dataclass(frozen=True)
class Member:
    """A user's membership of one guild."""

    user: User
    guild_id: int
    role_ids: tuple[int, ...] = ()
    nick: str | None = None

    @property
    def id(self) -> int:
        """Return the user id."""
        return self.user.id

    @property
    def mention(self) -> str:
        """Return the ``<@id>`` mention string."""
        return self.user.mention


@dataclass
class Guild:
    """A guild with the three people every e2e scenario needs."""

    id: int
    name: str
    owner: Member
    moderator: Member
    member: Member
    bot_member: Member
    roles: list[Role] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)

    @property
    def channel(self) -> Channel:
        """Return the first text channel."""
        return next(c for c in self.channels if c.type == 0)

    @property
    def moderator_role(self) -> Role:
        """Return the role that carries Manage Messages."""
        return next(r for r in self.roles if r.name == "Moderator")

    def role(self, role_id: int) -> Role:
        """Return the role with this id."""
        return next(r for r in self.roles if r.id == role_id)


@dataclass(frozen=True)
class Upload:
    """A file a test user attaches to a message or an attachment option."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
