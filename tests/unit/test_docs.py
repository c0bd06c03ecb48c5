"""The operator's documents name what the code reads and prints, and nothing it does not."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from bot.config import Settings
from bot.domain.models import Article, MovieRef, Reaction

REPO = Path(__file__).resolve().parents[2]
CONFIGURATION = REPO / "docs" / "configuration.md"
PARSE_JSON = REPO / "docs" / "parse-json.md"
ENV_EXAMPLE = REPO / ".env.example"
# A row of the configuration table: | `NAME` | default | meaning | status |
_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]+)` \|.*\| (yes|planned) \|$", re.MULTILINE)


class _RecordingEnv(Mapping[str, str]):
    """An empty environment that remembers every variable asked of it."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def variables_read() -> set[str]:
    """Return every environment variable `Settings.from_env` reads."""
    env = _RecordingEnv()
    Settings.from_env(env)
    return env.asked


def documented() -> dict[str, str]:
    """Return each variable of docs/configuration.md's table and its status."""
    return dict(_ROW.findall(CONFIGURATION.read_text(encoding="utf-8")))


def test_the_settings_read_the_variables_this_test_expects() -> None:
    # Guards the recorder itself: a recorder that saw nothing would pass every check.
    assert {"DISCORD_TOKEN", "COMMAND_COOLDOWN", "SCHEDULE_TICK_SECONDS"} <= variables_read()


def test_every_variable_read_is_documented_as_implemented() -> None:
    table = documented()
    missing = sorted(name for name in variables_read() if table.get(name) != "yes")
    assert not missing, f"read in bot/config.py but not a 'yes' row of {CONFIGURATION}: {missing}"


def test_no_documented_variable_claims_to_be_read_when_it_is_not() -> None:
    read = variables_read()
    claimed = sorted(name for name, status in documented().items() if status == "yes")
    assert [name for name in claimed if name not in read] == []
    planned = sorted(name for name, status in documented().items() if status == "planned")
    assert [name for name in planned if name in read] == [], "implemented: mark it 'yes'"


def test_env_example_lists_every_variable_read() -> None:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    assigned = {line.split("=", 1)[0].strip() for line in lines if re.match(r"^[A-Z_]+=", line)}
    missing = sorted(variables_read() - assigned)
    assert not missing, f"{ENV_EXAMPLE.name} does not set {missing}"


def test_env_example_holds_no_token() -> None:
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("DISCORD_TOKEN="):
            assert line == "DISCORD_TOKEN="


def test_parse_json_doc_names_every_output_field() -> None:
    article = Article(
        title="t",
        movie=MovieRef.from_title("m"),
        spoiler=False,
        published=None,
        source=None,
        reactions=(Reaction(platform="twitter", text="x"),),
    ).to_json()
    movie = {f"movie.{name}" for name in article["movie"]}
    fields = set(article) | movie | set(article["reactions"][0])
    text = PARSE_JSON.read_text(encoding="utf-8")
    missing = sorted(name for name in fields if f"`{name}`" not in text)
    assert not missing, f"{PARSE_JSON.name} does not describe {missing}"
