"""The dependency rules of STYLE.md, checked on the source tree."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DISCORD_FREE = [
    *sorted((REPO / "bot" / "parsing").glob("*.py")),
    *sorted((REPO / "bot" / "store").glob("*.py")),
    *(
        REPO / "bot" / name
        for name in (
            "models.py",
            "lookup.py",
            "ingest.py",
            "config.py",
            "errors.py",
            "log.py",
            "fetch.py",
        )
    ),
]


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "path", [p for p in DISCORD_FREE if p.exists()], ids=lambda p: str(p.relative_to(REPO))
)
def test_core_module_imports_no_discord(path: Path) -> None:
    assert "discord" not in imported(path)


@pytest.mark.parametrize(
    "path", sorted((REPO / "bot").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO))
)
def test_core_never_imports_cogs_and_sql_stays_in_store(path: Path) -> None:
    names = imported(path)
    assert "cogs" not in names
    if "store" not in path.relative_to(REPO).parts:
        assert "aiosqlite" not in names
        assert "sqlite3" not in names


def test_parser_does_no_io() -> None:
    for path in (REPO / "bot" / "parsing").glob("*.py"):
        names = imported(path)
        assert not names & {"aiohttp", "aiosqlite", "sqlite3", "socket", "urllib3", "requests"}
        source = path.read_text(encoding="utf-8")
        assert "open(" not in source, path
