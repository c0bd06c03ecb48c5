"""Every statement the store's logic runs is one each backend supplies, and no more."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from bot.domain.errors import StoreError
from bot.store.port import Statement
from bot.store.postgres import postgres_statements
from bot.store.sqlite import sqlite_statements
from bot.store.statements import load_statements

REPOS = Path(__file__).resolve().parents[2] / "bot" / "store" / "repos"
# A session's methods, and Database.read (one statement on its own).
SESSION_METHODS = {"run", "one", "all", "scalar", "many", "read"}
STATEMENTS = {"sqlite": sqlite_statements, "postgresql": postgres_statements}


def names_the_logic_runs() -> set[str]:
    """Return every statement name passed to a session method or read in bot/store/repos."""
    names: set[str] = set()
    for module in REPOS.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SESSION_METHODS
                and node.args
            ):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names.add(first.value)
                elif isinstance(first, ast.Name):
                    names.update(assigned_strings(module, first.id))
    return names


def assigned_strings(module: Path, variable: str) -> set[str]:
    """Return the string constants a module assigns to ``variable`` (``walk = "x" if...``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == variable for target in node.targets
        ):
            found.update(
                sub.value
                for sub in ast.walk(node.value)
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
            )
    return found


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_a_backend_supplies_exactly_the_statements_the_logic_runs(name: str) -> None:
    supplied = set(STATEMENTS[name]())
    wanted = names_the_logic_runs()

    assert wanted - supplied == set(), "statements the store runs but the backend lacks"
    assert supplied - wanted == set(), "statements the backend has but nothing runs"


def test_statements_keep_their_sql_and_parameters_in_order() -> None:
    statement = sqlite_statements()["select_article_by_hash"]

    assert statement.sql.startswith("SELECT id, movie_id FROM articles")
    assert statement.parameters == ("guild", "content_hash")
    assert "--" not in statement.sql


def test_a_statement_named_twice_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "twice_named"
    (package / "queries").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "queries" / "a.sql").write_text("-- name: same\nSELECT 1;\n")
    (package / "queries" / "b.sql").write_text("-- name: same\nSELECT 2;\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    with pytest.raises(StoreError, match="same"):
        load_statements("twice_named", "aiosqlite")


def test_asyncpg_style_numbers_parameters_in_first_use_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "numbered"
    (package / "queries").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "queries" / "a.sql").write_text(
        "-- name: pick\nSELECT 1 WHERE a = :guild AND b = :movie_id OR c = :guild;\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    assert load_statements("numbered", "asyncpg")["pick"] == Statement(
        name="pick",
        sql="SELECT 1 WHERE a = $1 AND b = $2 OR c = $1;",
        parameters=("guild", "movie_id"),
    )


def test_loading_the_statements_logs_no_warnings(caplog: pytest.LogCaptureFixture) -> None:
    # aiosql warns about a statement without rows that is not marked "!": at start-up the
    # bot would log one line per statement.
    sqlite_statements.cache_clear()
    postgres_statements.cache_clear()
    with caplog.at_level(logging.DEBUG):
        sqlite_statements()
        postgres_statements()

    assert [record.getMessage() for record in caplog.records] == []
