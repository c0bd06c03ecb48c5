"""The dependency rules of STYLE.md and DESIGN.md, checked folder by folder on the source tree.

Dependencies point one way: cogs and web -> discord_ui -> services -> store, ingest,
parsing, platforms -> domain. Every folder below ``discord_ui`` is Discord-free, so a web
handler or the CLI can call the same services. The web panel uses only the render code of
``discord_ui`` (the payload the bot posts), never the client or cogs, and nothing but the
CLI starts it.
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BOT = REPO / "bot"

# Folders (and top-level modules) that may not import discord, nor anything above them.
DISCORD_FREE = ("domain", "platforms", "parsing", "store", "ingest", "services")
# What each layer may import from inside the bot package (its own folder always).
ALLOWED_INSIDE = {
    "domain": set(),
    "platforms": {"domain"},
    "parsing": {"domain", "platforms"},
    "store": {"domain", "config"},
    "ingest": {"domain", "parsing", "platforms", "store"},
    "services": {"domain", "parsing", "platforms", "store", "ingest", "config"},
}


def imported(path: Path) -> set[str]:
    """Return every module name ``path`` imports, in full (``bot.domain.models``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def layer_files(layer: str) -> list[Path]:
    folder = BOT / layer
    return sorted(folder.rglob("*.py")) if folder.is_dir() else []


def _ids(path: Path) -> str:
    return str(path.relative_to(REPO))


@pytest.mark.parametrize(
    "path", [p for layer in DISCORD_FREE for p in layer_files(layer)], ids=_ids
)
def test_layers_below_discord_ui_import_no_discord(path: Path) -> None:
    roots = {name.split(".")[0] for name in imported(path)}
    assert "discord" not in roots
    assert "cogs" not in roots


@pytest.mark.parametrize(
    "path", [p for layer in DISCORD_FREE for p in layer_files(layer)], ids=_ids
)
def test_each_layer_imports_only_the_layers_below_it(path: Path) -> None:
    layer = path.relative_to(BOT).parts[0]
    allowed = ALLOWED_INSIDE[layer] | {layer}
    inside = {name.split(".")[1] for name in imported(path) if name.startswith("bot.")}
    assert inside <= allowed, f"{layer} may import {sorted(allowed)}, not {sorted(inside)}"


@pytest.mark.parametrize("path", sorted(BOT.rglob("*.py")), ids=_ids)
def test_core_never_imports_cogs_and_sql_stays_in_store(path: Path) -> None:
    roots = {name.split(".")[0] for name in imported(path)}
    assert "cogs" not in roots
    if "store" not in path.relative_to(REPO).parts:
        assert "aiosqlite" not in roots
        assert "sqlite3" not in roots


def test_parser_does_no_io() -> None:
    for path in layer_files("parsing") + layer_files("platforms"):
        roots = {name.split(".")[0] for name in imported(path)}
        assert not roots & {"aiohttp", "aiosqlite", "sqlite3", "socket", "urllib3", "requests"}
        source = path.read_text(encoding="utf-8")
        assert "open(" not in source, path


# What the web panel may import from discord_ui: the code that renders payloads, no more.
WEB_MAY_USE_FROM_DISCORD_UI = {"bot.discord_ui.render", "bot.discord_ui.render_admin"}


@pytest.mark.parametrize("path", layer_files("web"), ids=_ids)
def test_web_uses_services_and_render_code_only(path: Path) -> None:
    names = imported(path)
    assert not {name for name in names if name.split(".")[0] == "cogs"}
    ui = {name for name in names if name.startswith("bot.discord_ui")}
    assert ui <= WEB_MAY_USE_FROM_DISCORD_UI, sorted(ui)
    assert "bot.cli" not in names


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(BOT.rglob("*.py")) if p.relative_to(BOT).parts[0] not in ("web", "cli")],
    ids=_ids,
)
def test_nothing_but_the_cli_imports_web(path: Path) -> None:
    assert not {name for name in imported(path) if name.startswith("bot.web")}


def test_a_service_importing_discord_fails_the_layering_rule(tmp_path: Path) -> None:
    """The rule is not vacuous: a services module that imports discord is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("import discord\nfrom bot.discord_ui.client import ReelBot\n")
    roots = {name.split(".")[0] for name in imported(bad)}
    assert "discord" in roots
    inside = {name.split(".")[1] for name in imported(bad) if name.startswith("bot.")}
    assert not inside <= ALLOWED_INSIDE["services"] | {"services"}
