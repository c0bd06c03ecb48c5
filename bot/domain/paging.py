"""Paging arithmetic shared by every list the bot shows: pages of reactions, results, articles."""

from __future__ import annotations

from bot.domain.errors import PageOutOfRange

MAX_PAGE_NUMBER = 100_000
"""The highest page anyone may ask for; larger numbers are refused before any arithmetic."""


def page_count(total: int, page_size: int) -> int:
    """Return how many pages ``total`` items fill, at least one."""
    return max(1, -(-total // page_size))


def offset_of(page: int, page_size: int) -> int:
    """Return the offset of the first item of ``page`` (pages below 1 count as 1)."""
    return (min(max(page, 1), MAX_PAGE_NUMBER) - 1) * page_size


def checked_page(page: int, total: int, page_size: int, *, clamp: bool, what: str) -> int:
    """Return ``page`` if it exists; else the nearest one (``clamp``) or `PageOutOfRange`.

    ``what`` names the list in the refusal, e.g. ``**12th Fail**`` or ``this search``.
    """
    pages = page_count(total, page_size)
    if 1 <= page <= pages:
        return page
    if clamp:
        return min(max(page, 1), pages)
    raise PageOutOfRange(
        f"There is no page {page:,}: {what} has {pages:,} page{'s' if pages != 1 else ''}."
    )
