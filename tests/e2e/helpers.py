"""Small assertions shared by the e2e tests of the real bot."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Any

from aiohttp import web

from tests.e2e.fake_discord import FakeDiscord

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

EPHEMERAL = 1 << 6


def assert_spoiler_page(payload: dict[str, Any], count: int) -> None:
    """Assert a page of ``count`` reaction embeds, each text wholly behind one spoiler."""
    embeds = payload["embeds"]
    assert len(embeds) == count
    for embed in embeds:
        description = embed["description"]
        assert description.startswith("||"), description
        assert description.endswith("||") or "[Read the full post]" in description
        assert embed["author"]["name"]
        assert "footer" in embed
    assert payload["allowed_mentions"]["parse"] == []


def button_ids(payload: dict[str, Any]) -> list[str]:
    """Return the custom ids of every button in a message payload."""
    return [
        component["custom_id"]
        for row in payload.get("components", [])
        for component in row.get("components", [])
        if "custom_id" in component
    ]


def next_button(payload: dict[str, Any]) -> str:
    """Return the custom id of the ▶ button."""
    for row in payload["components"]:
        for component in row["components"]:
            if component.get("label") == "▶":
                return str(component["custom_id"])
    raise AssertionError(f"no ▶ button in {payload.get('components')}")


def interaction_data(callback_json: dict[str, Any]) -> dict[str, Any]:
    """Return the message data of an interaction callback."""
    data = callback_json.get("data")
    assert isinstance(data, dict), callback_json
    return data


def html_page(text: str) -> Handler:
    """Return a handler that answers with ``text`` as an HTML page."""

    async def page(_: web.Request) -> web.Response:
        return web.Response(text=text, content_type="text/html")

    return page


@contextlib.asynccontextmanager
async def local_site(routes: Mapping[str, Handler]) -> AsyncIterator[str]:
    """Serve ``routes`` (path -> handler) on 127.0.0.1; yield the site's base URL."""
    app = web.Application()
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


def button(payload: dict[str, Any], label: str) -> str:
    """Return the custom id of the button labelled ``label``."""
    for row in payload.get("components", []):
        for component in row["components"]:
            if component.get("label") == label:
                return str(component["custom_id"])
    raise AssertionError(f"no {label!r} button in {payload.get('components')}")


@contextlib.asynccontextmanager
async def obeying_discord(fake: FakeDiscord) -> AsyncIterator[None]:
    """Fail inside the test (not at teardown) if the bot broke a Discord rule meanwhile.

    xfail covers only a test's call phase, so reproductions of Discord bugs check the
    fake's violations here; they are drained either way, leaving none for teardown.
    """
    try:
        yield
    finally:
        found = fake.drain_violations()
    if found:
        lines = "\n".join(f"  - {violation}" for violation in found)
        raise AssertionError(f"the bot broke {len(found)} Discord rule(s):\n{lines}")


def find_components(components: Iterable[Any], kind: int) -> list[dict[str, Any]]:
    """Return every component of ``kind`` in a (modal or message) component tree."""
    found = []
    for component in components:
        if component.get("type") == kind:
            found.append(component)
        nested = [*(component.get("components") or [])]
        nested += [component[k] for k in ("component", "accessory") if component.get(k)]
        found += find_components(nested, kind)
    return found
