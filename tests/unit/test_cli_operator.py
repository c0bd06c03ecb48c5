"""The operator's CLI against a real database file: list, curate, back up while writing, check."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.unit.test_cli_errors import SEED, run_cli

ANOTHER = """Glass Orchard — what people said

Luminous from start to end — Hal (@hal) May 1, 2024

I want to see it again — Ida (@ida) May 2, 2024
"""


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A database holding the seed and one more article, ingested by the CLI."""
    other = tmp_path / "glass-orchard.txt"
    other.write_text(ANOTHER, encoding="utf-8")
    path = tmp_path / "data" / "reel.db"
    env = {"DATABASE_PATH": str(path)}
    for args in ([str(SEED)], [str(other), "--movie", "Glass Orchard"]):
        result = run_cli("ingest", *args, cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
    return path


def cli(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=database.parent, env={"DATABASE_PATH": str(database)})


def test_version(tmp_path: Path) -> None:
    result = run_cli("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == "reaction-reel 0.1.0"


def test_movies_and_articles_list_what_the_cli_ingested(database: Path) -> None:
    movies = cli(database, "movies")
    assert movies.returncode == 0, movies.stderr
    assert "12thfail\t12th Fail\t10 reaction(s)" in movies.stdout
    assert "2 movie(s)" in movies.stdout
    listing = cli(database, "articles", "--movie", "12th fail")
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.strip().splitlines()[-1] == "1 article(s)"


def test_rename_and_alias_are_audited_as_the_operator(database: Path) -> None:
    renamed = cli(database, "movie", "rename", "12thfail", "12th Fail (2023)")
    assert renamed.returncode == 0, renamed.stderr
    assert "12th Fail is now 12th Fail (2023)" in renamed.stdout
    alias = cli(database, "movie", "alias", "12th fail (2023)", "twelfth fail")
    assert alias.returncode == 0, alias.stderr
    refused = cli(database, "movie", "alias", "12thfail", "!!!")
    assert refused.returncode == 2
    assert "no letters or digits" in refused.stderr
    movies = cli(database, "movies")
    assert "12th Fail (2023) (also: twelfth fail)" in movies.stdout
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT guild_id, user_id, action FROM audit_log ORDER BY id"
        ).fetchall()
    assert rows == [(0, 0, "movie.rename"), (0, 0, "movie.alias")]


def test_article_remove_takes_the_article_and_its_own_reactions(database: Path) -> None:
    listing = cli(database, "articles", "--movie", "glass orchard")
    article_id = listing.stdout.splitlines()[0].split("\t")[0]
    removed = cli(database, "article", "remove", article_id)
    assert removed.returncode == 0, removed.stderr
    assert "the 2 reaction(s) only it had" in removed.stdout
    again = cli(database, "article", "remove", article_id)
    assert again.returncode == 1
    assert f"no article {article_id}" in again.stderr
    assert "1 movie(s)" in cli(database, "movies").stdout


def test_check_reports_integrity_schema_and_counts(database: Path) -> None:
    result = cli(database, "check")
    assert result.returncode == 0, result.stderr
    assert "integrity: ok" in result.stdout
    assert "schema version" in result.stdout
    assert "2 movie(s), 2 article(s), 12 reaction(s)" in result.stdout


def test_preview_text_reads_like_the_page(database: Path) -> None:
    result = cli(database, "preview", "12thfail", "--text")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "12th Fail — reactions 1–5 of 10"
    assert "||" not in result.stdout
    assert "Kruti Patel (@KrutiPatel2000) · 2024-01-01" in result.stdout
    assert lines[-1] == "buttons: ▶"


WRITER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
connection.execute("PRAGMA busy_timeout = 30000")
n = 0
print("started", flush=True)
while True:
    connection.execute("BEGIN IMMEDIATE")
    for _ in range(50):
        connection.execute(
            "INSERT INTO audit_log (guild_id, user_id, action, target) VALUES (1, 1, 'x', ?)",
            (f"row {n}",),
        )
        n += 1
    connection.execute("COMMIT")
"""


def test_backup_while_another_process_writes_is_a_consistent_copy(
    database: Path, tmp_path: Path
) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(database)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "started"
        time.sleep(0.3)  # let it write for a while first
        copy = tmp_path / "backup.db"
        result = cli(database, "backup", str(copy))
    finally:
        writer.kill()
        writer.wait()
    assert result.returncode == 0, result.stderr
    assert "backed up" in result.stdout
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        written = connection.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    # Whole transactions only: the writer commits 50 rows at a time.
    assert written % 50 == 0
    assert articles == 2
    again = cli(database, "backup", str(copy))
    assert again.returncode == 2
    assert "already exists" in again.stderr


def test_env_file_paths_are_relative_to_the_env_file(tmp_path: Path) -> None:
    home = tmp_path / "deploy"
    home.mkdir()
    (home / "bot.env").write_text("DATABASE_PATH=state/reel.db\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_cli("--env-file", str(home / "bot.env"), "ingest", str(SEED), cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (home / "state" / "reel.db").is_file()
    assert not (elsewhere / "state").exists()
    assert str(home / "state" / "reel.db") in result.stdout


def test_a_dot_env_in_the_current_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATABASE_PATH=mine.db\n", encoding="utf-8")
    result = run_cli("ingest", str(SEED), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mine.db").is_file()
