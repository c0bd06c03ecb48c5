"""What the driver hands back for an interaction, and finding components on a message."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tests.e2e.fake_discord.recorder import Call
from tests.e2e.fake_discord.world import InteractionRecord

if TYPE_CHECKING:
    from tests.e2e.fake_discord.driver import Driver


class InteractionHandle:
    """An interaction the driver dispatched; await the bot's answers to it."""

    def __init__(self, driver: Driver, record: InteractionRecord, mark: int) -> None:
        self.driver = driver
        self.record = record
        self.mark = mark

    @property
    def id(self) -> int:
        """Return the interaction id."""
        return self.record.id

    @property
    def token(self) -> str:
        """Return the interaction (and webhook) token."""
        return self.record.token

    @property
    def payload(self) -> dict[str, Any]:
        """Return the INTERACTION_CREATE payload that was dispatched."""
        return self.record.payload

    @property
    def message(self) -> dict[str, Any] | None:
        """Return the current state of the response message (``@original``), if any."""
        original = self.record.original_message_id
        return self.driver.world.messages.get(original) if original else None

    async def _wait(self, pattern: str, timeout: float) -> Call:  # noqa: ASYNC109
        __tracebackhide__ = True
        return await self.driver.wait_for(pattern, timeout=timeout, since=self.mark)

    async def callback(self, timeout: float = 5.0) -> Call:  # noqa: ASYNC109
        """Wait for the bot's ``POST /interactions/{id}/{token}/callback``."""
        __tracebackhide__ = True
        return await self._wait(f"POST /interactions/{self.id}/{self.token}/callback", timeout)

    async def followup(self, timeout: float = 5.0) -> Call:  # noqa: ASYNC109
        """Wait for the bot's first follow-up message."""
        __tracebackhide__ = True
        app = self.driver.world.application_id
        return await self._wait(f"POST /webhooks/{app}/{self.token}", timeout)

    async def original_edit(self, timeout: float = 5.0) -> Call:  # noqa: ASYNC109
        """Wait for the bot's ``PATCH .../messages/@original``."""
        __tracebackhide__ = True
        app = self.driver.world.application_id
        return await self._wait(f"PATCH /webhooks/{app}/{self.token}/messages/@original", timeout)


def find_component(components: Iterable[Any], custom_id: str) -> dict[str, Any] | None:
    """Return (a copy of) the component with ``custom_id`` anywhere in the tree, or None."""
    for component in components:
        if component.get("custom_id") == custom_id:
            return dict(component)
        nested = [*(component.get("components") or [])]
        nested += [component[k] for k in ("component", "accessory") if component.get(k)]
        found = find_component(nested, custom_id)
        if found is not None:
            return found
    return None


def custom_ids(components: Iterable[Any]) -> list[str]:
    """Return every custom id in a component tree (for error messages)."""
    found = []
    for component in components:
        if component.get("custom_id"):
            found.append(component["custom_id"])
        found += custom_ids(component.get("components") or [])
    return found
