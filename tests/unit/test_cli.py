import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.corpus import corpus_dir
from tests.unit.test_cli_errors import run_cli

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "bot" / "data" / "articles" / "12th-fail.txt"


def test_parse_seed_prints_its_ten_reactions(tmp_path: Path) -> None:
    result = run_cli("parse", str(SEED), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["movie"] == {"title": "12th Fail", "slug": "12thfail"}
    assert data["spoiler"] is True
    assert data["published"] == "2024-01-03"
    assert set(data) == {"title", "movie", "spoiler", "published", "source", "reactions", "skipped"}
    assert data["skipped"] == []
    assert len(data["reactions"]) == 10
    folder = corpus_dir()
    if folder is not None:
        expected = json.loads((folder / "seed" / "12th-fail.expected.json").read_text("utf-8"))
        assert data["reactions"] == expected["reactions"]


def test_parse_imports_neither_discord_nor_the_databases(tmp_path: Path) -> None:
    # A parse is a file in, JSON out: loading discord.py, aiohttp and asyncpg for it took
    # longer than the parse (0.54 s a call, 0.18 s without them).
    probe = (
        "import sys; from bot.cli import main; code = main(['parse', sys.argv[1]]); "
        "print(sorted({'discord', 'aiohttp', 'asyncpg', 'aiosqlite'} & set(sys.modules)), "
        "code, file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(SEED)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stderr.strip().splitlines()[-1] == "[] 0", result.stderr
    assert len(json.loads(result.stdout)["reactions"]) == 10


def test_parse_movie_option_wins(tmp_path: Path) -> None:
    result = run_cli("parse", str(SEED), "--movie", "Twelfth Fail", cwd=tmp_path)
    assert json.loads(result.stdout)["movie"] == {"title": "Twelfth Fail", "slug": "twelfthfail"}


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"An essay with no posts at all.\n", 1), (b"\x00\x01\x02binary\xff\xfe" * 50, 2)],
    ids=["no-posts", "binary"],
)
def test_parse_failures_exit_with_one_line(tmp_path: Path, content: bytes, code: int) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes(content)
    result = run_cli("parse", str(article), cwd=tmp_path)
    assert result.returncode == code
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_parse_missing_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("parse", str(tmp_path / "nope.txt"), cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot read" in result.stderr


def counts_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_ingest_twice_leaves_the_same_counts(tmp_path: Path) -> None:
    database = str(tmp_path / "db" / "reel.db")
    first = run_cli("ingest", str(SEED), cwd=tmp_path, DATABASE_PATH=database)
    second = run_cli("ingest", str(SEED), cwd=tmp_path, DATABASE_PATH=database)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "1 movie(s), 1 article(s), 10 reaction(s)" in counts_line(first.stdout)
    assert counts_line(first.stdout) == counts_line(second.stdout)
    assert "unchanged" in second.stdout


def embed_length(embed: dict[str, Any]) -> int:
    return sum(
        len(part or "")
        for part in (
            embed.get("title"),
            embed.get("description"),
            embed.get("footer", {}).get("text"),
            embed.get("author", {}).get("name"),
        )
    )


def test_preview_prints_five_spoiler_tagged_embeds(tmp_path: Path) -> None:
    result = run_cli("preview", "12thfail", cwd=tmp_path, DATABASE_PATH=str(tmp_path / "reel.db"))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["allowed_mentions"] == {"parse": []}
    embeds = payload["embeds"]
    assert len(embeds) == 5
    for embed in embeds:
        assert embed["description"].startswith("||")
        assert embed["description"].endswith("||")
        assert len(embed["description"]) <= 4096
    assert sum(embed_length(embed) for embed in embeds) <= 6000
    assert payload["content"] == "**12th Fail** — reactions 1–5 of 10"
    buttons = payload["components"][0]["components"]
    assert [b["custom_id"].rsplit(":", 1)[1] for b in buttons] == ["0", "2"]
    assert buttons[0]["disabled"] is True


def test_preview_second_page_and_unknown_movie(tmp_path: Path) -> None:
    database = str(tmp_path / "reel.db")
    second = run_cli("preview", "12th Fail", "--page", "2", cwd=tmp_path, DATABASE_PATH=database)
    assert json.loads(second.stdout)["content"].endswith("6–10 of 10")
    typo = run_cli("preview", "12thfial", cwd=tmp_path, DATABASE_PATH=database)
    assert typo.returncode == 1
    assert "Did you mean 12th Fail?" in typo.stderr


def test_run_without_token_prints_one_line(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path, DISCORD_TOKEN="")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0]
    assert ".env" in lines[0]
