"""Every operator error is one line with a documented exit code, never a traceback.

Each bad input of issue 10 is one row: what the operator typed, what was on disk, the
exit code, and words the one line must hold. `parse` and `ingest` are run on the same
inputs and must agree.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "bot" / "data" / "articles" / "12th-fail.txt"
LIMIT = 5 * 1024 * 1024


def run_cli(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    **variables: str,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot`` in ``cwd`` with the bot's own settings cleared, then ``env``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "DATABASE_", "ARTICLES_"))
    }
    clean.update(env or {})
    clean.update(variables)
    clean["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def assert_one_line(result: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, (result.returncode, result.stderr)
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert words in lines[0], lines[0]


# Inputs: each makes a path in tmp_path and returns it.


def missing(tmp: Path) -> Path:
    return tmp / "nope.txt"


def folder(tmp: Path) -> Path:
    (tmp / "a-folder.txt").mkdir()
    return tmp / "a-folder.txt"


def binary(tmp: Path) -> Path:
    path = tmp / "binary.html"
    path.write_bytes(b"\x00\xff\xfe binary" * 100)
    return path


def no_posts(tmp: Path) -> Path:
    path = tmp / "essay.txt"
    path.write_text("An essay that quotes nobody at all.\n", encoding="utf-8")
    return path


def endless_device(tmp: Path) -> Path:
    return Path("/dev/zero")


def fifo(tmp: Path) -> Path:
    path = tmp / "pipe.txt"
    os.mkfifo(path)
    return path


def over_the_limit(tmp: Path) -> Path:
    path = tmp / "huge.txt"
    with path.open("wb") as file:  # sparse: 1 GB on paper, nothing on disk
        file.truncate(1024 * 1024 * 1024)
    return path


def just_over_the_limit(tmp: Path) -> Path:
    path = tmp / "big.txt"
    path.write_bytes(b"x" * (LIMIT + 1))
    return path


def inside_a_file(tmp: Path) -> Path:
    (tmp / "plain").write_text("x", encoding="utf-8")
    return tmp / "plain" / "article.txt"


@dataclass(frozen=True)
class Input:
    name: str
    make: Callable[[Path], Path]
    code: int
    words: str


INPUTS = [
    Input("missing", missing, 2, "no such file"),
    Input("folder", folder, 2, "it is a folder"),
    Input("binary", binary, 2, "not text"),
    Input("no-posts", no_posts, 1, "no reactions found"),
    Input("dev-zero", endless_device, 2, "not a regular file"),
    Input("fifo", fifo, 2, "not a regular file"),
    Input("1-gb", over_the_limit, 2, "larger than 5 MB"),
    Input("limit-plus-one", just_over_the_limit, 2, "larger than 5 MB"),
    Input("inside-a-file", inside_a_file, 2, "cannot read"),
]


@pytest.mark.parametrize("command", ["parse", "ingest"])
@pytest.mark.parametrize("bad", INPUTS, ids=[bad.name for bad in INPUTS])
def test_bad_article_input_is_one_line_and_parse_and_ingest_agree(
    tmp_path: Path, command: str, bad: Input
) -> None:
    path = bad.make(tmp_path)
    env = {"DATABASE_PATH": str(tmp_path / "db" / "reel.db")}
    # The 1 GB file is refused after reading 5 MB + 1 byte: well within the timeout.
    result = run_cli(command, str(path), cwd=tmp_path, env=env, timeout=30)
    if command == "ingest" and bad.name == "folder":
        # ingest reads a folder's articles: this one holds none.
        assert_one_line(result, 1, "nothing to read")
        return
    if command == "ingest" and bad.code == 1:
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert bad.words in result.stderr
        return
    if command == "ingest" and bad.name not in ("missing", "inside-a-file"):
        # ingest names the skipped file once on stderr, then its summary on stdout.
        assert result.returncode == bad.code, result.stderr
        assert result.stderr.count("skipped") == 1, result.stderr
        assert bad.words in result.stderr
        assert "Traceback" not in result.stderr
        return
    assert_one_line(result, bad.code, bad.words)


def test_a_folder_with_nothing_to_read_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("not an article", encoding="utf-8")
    result = run_cli(
        "ingest", str(tmp_path / "empty"), cwd=tmp_path, env={"DATABASE_PATH": "reel.db"}
    )
    assert_one_line(result, 1, "nothing to read")


def not_a_database(path: Path) -> None:
    path.parent.mkdir()
    path.write_text("these are my notes, not a database\n" * 100, encoding="utf-8")


def corrupt(path: Path) -> None:
    path.parent.mkdir()
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    connection.commit()
    connection.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xde\xad\xbe\xef" * 999  # the schema's page, after the file header
    path.write_bytes(bytes(data))


def newer(path: Path) -> None:
    path.parent.mkdir()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 999")
    connection.close()


def folder_is_a_file(path: Path) -> None:
    path.parent.parent.mkdir(parents=True, exist_ok=True)
    path.parent.write_text("a file where the folder should be", encoding="utf-8")


DATABASES = [
    ("not-a-database", not_a_database, "not a database"),
    ("corrupt", corrupt, "malformed"),
    ("newer-than-the-code", newer, "newer than this code"),
    ("folder-is-a-file", folder_is_a_file, "cannot"),
]


@pytest.mark.parametrize("command", ["ingest", "preview", "movies", "check"])
@pytest.mark.parametrize(("name", "make", "words"), DATABASES, ids=[d[0] for d in DATABASES])
def test_an_unusable_database_is_one_line_exit_4(
    tmp_path: Path, command: str, name: str, make: Callable[[Path], None], words: str
) -> None:
    database = tmp_path / "data" / "reel.db"
    make(database)
    args = {"ingest": [str(SEED)], "preview": ["12thfail"], "movies": [], "check": []}[command]
    result = run_cli(command, *args, cwd=tmp_path, env={"DATABASE_PATH": str(database)})
    if command == "check" and name == "folder-is-a-file":
        words = "there is no database"
    assert_one_line(result, 4, words)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["preview", "12thfail", "--page", "2305843009213693952"], 2, "There is no page"),
        (["preview", "12thfail", "--page", "0"], 2, "1 or more"),
        (["preview", "12thfail", "--page", "two"], 2, "must be a number"),
        (["preview", "12thfial"], 1, "Did you mean 12th Fail?"),
        (["--env-file", "missing.env", "movies"], 3, "does not exist"),
        (["movies", "--env-file", "missing.env"], 3, "does not exist"),
        (["article", "remove", "not-a-number"], 2, "invalid int value"),
        (["frobnicate"], 2, "invalid choice"),
    ],
    ids=[
        "absurd-page",
        "page-0",
        "page-word",
        "unknown-movie",
        "env-before",
        "env-after",
        "bad-id",
        "unknown-command",
    ],
)
def test_bad_arguments_are_one_line(tmp_path: Path, args: list[str], code: int, words: str) -> None:
    result = run_cli(*args, cwd=tmp_path, env={"DATABASE_PATH": str(tmp_path / "reel.db")})
    assert_one_line(result, code, words)


def test_check_without_a_database_says_so(tmp_path: Path) -> None:
    result = run_cli("check", cwd=tmp_path, env={"DATABASE_PATH": str(tmp_path / "none.db")})
    assert_one_line(result, 4, "there is no database")
    assert not (tmp_path / "none.db").exists()


def test_help_names_the_program_the_environment_and_the_exit_codes(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python -m bot")
    for words in ("DATABASE_PATH", "DISCORD_TOKEN", "--env-file", "exit codes:", "70"):
        assert words in result.stdout
    sub = run_cli("ingest", "--help", cwd=tmp_path)
    assert sub.stdout.startswith("usage: python -m bot ingest")
    assert "exit codes:" in sub.stdout
