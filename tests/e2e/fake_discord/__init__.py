"""Loopback fake of Discord's REST API and gateway for end-to-end tests."""

from tests.e2e.fake_discord.driver import Driver, InteractionHandle
from tests.e2e.fake_discord.fake import FakeDiscord
from tests.e2e.fake_discord.models import Channel, Guild, Member, Role, Upload, User
from tests.e2e.fake_discord.process import BotProcess
from tests.e2e.fake_discord.recorder import Call, RecordedFile, Violation

__all__ = [
    "BotProcess",
    "Call",
    "Channel",
    "Driver",
    "FakeDiscord",
    "Guild",
    "InteractionHandle",
    "Member",
    "RecordedFile",
    "Role",
    "Upload",
    "User",
    "Violation",
]
