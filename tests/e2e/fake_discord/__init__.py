"""Loopback fake of Discord's REST API and gateway for end-to-end tests."""

from tests.e2e.fake_discord.command_access import HiddenCommandError
from tests.e2e.fake_discord.driver import Driver
from tests.e2e.fake_discord.fake import FakeDiscord
from tests.e2e.fake_discord.handles import InteractionHandle
from tests.e2e.fake_discord.models import Channel, Guild, Member, Overwrite, Role, Upload, User
from tests.e2e.fake_discord.process import BotProcess
from tests.e2e.fake_discord.recorder import Call, RecordedFile, Violation

__all__ = [
    "BotProcess",
    "Call",
    "Channel",
    "Driver",
    "FakeDiscord",
    "Guild",
    "HiddenCommandError",
    "InteractionHandle",
    "Member",
    "Overwrite",
    "RecordedFile",
    "Role",
    "Upload",
    "User",
    "Violation",
]
