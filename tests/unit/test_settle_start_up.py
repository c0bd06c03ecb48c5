"""`settle_start_up`: start-up's objects leave the collector's walks, and nothing is leaked."""

from __future__ import annotations

import gc
import weakref

from bot.discord_ui.client import settle_start_up


class _Node:
    """An object in a reference cycle: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


def test_only_live_objects_are_kept_and_a_client_dropped_at_start_up_is_freed() -> None:
    dropped_before = weakref.ref(_Node())
    try:
        settle_start_up()
        assert dropped_before() is None, "start-up's garbage was frozen for good"
        assert gc.get_freeze_count() > 0

        first_client = _Node()
        alive = weakref.ref(first_client)
        settle_start_up()  # the first client, frozen with the rest of start-up
        del first_client  # a 4014: the bot starts again with a fresh client
        settle_start_up()
        assert alive() is None, "the client dropped after a 4014 stayed in memory"
    finally:
        gc.unfreeze()
