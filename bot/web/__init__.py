"""The moderators' web panel: an aiohttp app on the same services as the Discord commands."""
