"""Discord UI pieces: pager buttons that survive restarts, and moderators' Confirm/Cancel.

Search results page with the buttons of `bot.discord_ui.search_pager`.

Every press is answered through `answer_press`: within Discord's 3 seconds, and any
failure reaches the presser as an ephemeral message from the one reporter.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_ui.answers import Update, answer_press
from bot.discord_ui.pages import movie_page
from bot.discord_ui.render import RenderedPage
from bot.domain.errors import NotFound

if TYPE_CHECKING:
    from bot.discord_ui.client import ReelBot

PAGER_PREFIX = "reel:page"
CONFIRM_TIMEOUT = 180.0


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"reel:page:(?P<movie_id>\d{1,18}):(?P<page>\d{1,6})",
):
    """A ◀ or ▶ button whose ``custom_id`` names the movie and the page it leads to.

    Everything the press needs is in the id, so a message posted before a restart
    still pages afterwards (discord.py re-creates the item from the template).
    """

    def __init__(
        self, movie_id: int, page: int, *, label: str = "▶", disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PAGER_PREFIX}:{movie_id}:{page}",
                disabled=disabled,
            )
        )
        self.movie_id = movie_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        """Rebuild the button from a pressed ``custom_id``."""
        return cls(int(match["movie_id"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction[ReelBot]) -> None:  # type: ignore[override]
        """Show the page this button leads to, in place of the current one."""
        await answer_press(interaction, self._page(interaction))

    async def _page(self, interaction: discord.Interaction[ReelBot]) -> Update:
        bot = interaction.client
        movie = await bot.store.get_movie(self.movie_id, interaction.guild_id)
        if movie is None:
            raise NotFound("That movie is no longer in the collection.")
        rendered = await movie_page(bot.store, movie, interaction.guild_id, self.page, clamp=True)
        return Update(rendered.content, rendered.embeds, pager_view(movie.id, rendered))


def arrows(
    rendered: RenderedPage, button: Callable[[int, str, bool], discord.ui.Item[Any]]
) -> discord.ui.View | None:
    """Return ◀ ▶ made by ``button(page, label, disabled)``, or None for a single page."""
    if rendered.pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(button(rendered.page - 1, "◀", rendered.page <= 1))
    view.add_item(button(rendered.page + 1, "▶", rendered.page >= rendered.pages))
    return view


def pager_view(movie_id: int, rendered: RenderedPage) -> discord.ui.View | None:
    """Return ◀ ▶ buttons for a page, or None when everything fits on one page."""
    return arrows(
        rendered,
        lambda page, label, disabled: PageButton(movie_id, page, label=label, disabled=disabled),
    )


@dataclass(slots=True)
class PendingConfirmation:
    """A question waiting for its moderator's answer, and what Confirm does."""

    invoker_id: int
    action: Callable[[], Awaitable[str]]
    message: discord.Message | None = None
    expiry: asyncio.TimerHandle | None = None


class Confirmations:
    """The questions waiting for an answer, by the nonce their buttons carry.

    A question is registered before its message is sent, so a press can never arrive
    before the bot knows the buttons (discord.py learns an ordinary view's message only
    after reading its own POST). Unanswered questions expire and their buttons go grey.
    """

    def __init__(self, timeout: float = CONFIRM_TIMEOUT) -> None:
        self.timeout = timeout
        self._pending: dict[str, PendingConfirmation] = {}

    def add(self, invoker_id: int, action: Callable[[], Awaitable[str]]) -> str:
        """Register a question; return the nonce its buttons carry."""
        nonce = secrets.token_hex(8)
        pending = PendingConfirmation(invoker_id, action)
        loop = asyncio.get_running_loop()
        pending.expiry = loop.call_later(
            self.timeout, lambda: asyncio.ensure_future(self._expire(nonce))
        )
        self._pending[nonce] = pending
        return nonce

    def attach(self, nonce: str, message: discord.Message) -> None:
        """Remember the message that asks, to grey its buttons when it expires."""
        if pending := self._pending.get(nonce):
            pending.message = message

    def get(self, nonce: str) -> PendingConfirmation | None:
        """Return the waiting question, or None when answered or expired."""
        return self._pending.get(nonce)

    def pop(self, nonce: str) -> PendingConfirmation | None:
        """Take the question out of waiting (it is being answered)."""
        pending = self._pending.pop(nonce, None)
        if pending is not None and pending.expiry is not None:
            pending.expiry.cancel()
        return pending

    async def _expire(self, nonce: str) -> None:
        pending = self._pending.pop(nonce, None)
        if pending is None or pending.message is None:
            return
        with contextlib.suppress(discord.HTTPException):
            await pending.message.edit(
                content="Timed out; nothing changed.", view=confirm_view(nonce, disabled=True)
            )


class ConfirmButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"reel:confirm:(?P<nonce>[0-9a-f]{16}):(?P<answer>yes|no)",
):
    """Confirm or Cancel of a moderator's question; only the moderator who asked counts."""

    def __init__(self, nonce: str, answer: str, *, label: str, disabled: bool = False) -> None:
        style = discord.ButtonStyle.success if answer == "yes" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=f"reel:confirm:{nonce}:{answer}",
                disabled=disabled,
            )
        )
        self.nonce = nonce
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ConfirmButton:
        """Rebuild the button from a pressed ``custom_id``."""
        return cls(match["nonce"], match["answer"], label="")

    async def callback(self, interaction: discord.Interaction[ReelBot]) -> None:  # type: ignore[override]
        """Answer the question: do the action, or cancel."""
        confirmations = interaction.client.confirmations
        pending = confirmations.get(self.nonce)
        if pending is None:
            await interaction.response.send_message(
                "This question has expired; run the command again.", ephemeral=True
            )
            return
        if interaction.user.id != pending.invoker_id:
            await interaction.response.send_message(
                "Only the moderator who asked can answer this.", ephemeral=True
            )
            return
        confirmations.pop(self.nonce)
        await answer_press(interaction, self._answer(pending))

    async def _answer(self, pending: PendingConfirmation) -> Update:
        if self.answer == "no":
            return Update("Cancelled; nothing changed.")
        return Update(await pending.action())


def confirm_view(
    nonce: str, *, confirm_label: str = "Confirm", disabled: bool = False
) -> discord.ui.View:
    """Return the Confirm / Cancel buttons of the question ``nonce``."""
    view = discord.ui.View(timeout=None)
    view.add_item(ConfirmButton(nonce, "yes", label=confirm_label, disabled=disabled))
    view.add_item(ConfirmButton(nonce, "no", label="Cancel", disabled=disabled))
    return view
