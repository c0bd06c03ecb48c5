"""The deployment files install and start the bot the way the README says.

No container engine runs where the tests run, so the Dockerfile is read rather than built:
a non-root user, the README quick start's own ``pip install`` target, the database on a
volume, ``python -m bot`` as the command. The systemd unit and compose.yaml are read the
same way (compose.yaml with a parser for the small YAML subset it uses).
"""

from __future__ import annotations

import itertools
import json
import re
import shlex
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN_BOT = ["python", "-m", "bot"]


def dockerfile() -> list[tuple[str, str]]:
    """Return the Dockerfile's instructions as (KEYWORD, arguments), continuations joined."""
    text = (REPO / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def arguments(keyword: str) -> list[str]:
    return [args for kw, args in dockerfile() if kw == keyword]


def docker_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for args in arguments("ENV"):
        for pair in shlex.split(args):
            name, _, value = pair.partition("=")
            env[name] = value
    return env


def pip_install_targets(commands: list[str]) -> list[list[str]]:
    """Return the arguments of every ``pip install`` in shell command lines."""
    found = []
    for command in commands:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(lexer)
        for start in range(len(words) - 1):
            if PurePosixPath(words[start]).name == "pip" and words[start + 1] == "install":
                rest = itertools.takewhile(
                    lambda w: w not in {"&&", ";", "||", "|"}, words[start + 2 :]
                )
                found.append(list(rest))
    return found


def code_block(markdown: Path, heading: str) -> list[str]:
    """Return the lines of the first fenced code block under a ``## heading``."""
    section = markdown.read_text().split(f"## {heading}\n", 1)[1]
    block = re.search(r"```\w*\n(.*?)```", section, re.DOTALL)
    assert block, f"no code block under {heading!r} in {markdown.name}"
    return block.group(1).splitlines()


def readme_quick_start() -> list[str]:
    return code_block(REPO / "README.md", "Quick start")


def systemd_unit() -> dict[str, dict[str, list[str]]]:
    """Read deploy/reaction-reel.service into section -> key -> values (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in (REPO / "deploy" / "reaction-reel.service").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def simple_yaml(text: str) -> dict[str, Any]:
    """Parse the YAML subset compose.yaml uses: nested mappings, lists of plain scalars."""
    root: dict[str, Any] = {}
    stack: list[tuple[int, Any]] = [(-1, root)]
    pending: tuple[dict[str, Any], str, int] | None = None
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        while stack[-1][0] >= indent:
            stack.pop()
        if pending is not None:
            owner, key, owner_indent = pending
            pending = None
            if indent > owner_indent:
                owner[key] = [] if item.startswith("- ") else {}
                stack.append((owner_indent, owner[key]))
        parent = stack[-1][1]
        if item.startswith("- "):
            parent.append(item[2:].strip().strip("\"'"))
            continue
        key, _, value = item.partition(":")
        if value.strip():
            parent[key.strip()] = value.strip().strip("\"'")
        else:
            parent[key.strip()] = None
            pending = (parent, key.strip(), indent)
    return root


def compose() -> dict[str, Any]:
    return simple_yaml((REPO / "compose.yaml").read_text())


# Dockerfile


def test_the_image_runs_as_a_user_that_is_not_root() -> None:
    keywords = [kw for kw, _ in dockerfile()]
    users = arguments("USER")
    assert users, "the Dockerfile never switches away from root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert keywords.index("USER") < keywords.index("CMD")
    assert any("useradd" in run and users[-1] in run for run in arguments("RUN"))


def test_the_image_installs_what_the_readme_quick_start_installs() -> None:
    quick_start = pip_install_targets(readme_quick_start())
    image = pip_install_targets(arguments("RUN"))
    assert quick_start == [["."]]
    assert image == quick_start


def test_the_image_copies_everything_the_install_needs() -> None:
    copied = {source for args in arguments("COPY") for source in shlex.split(args)[:-1]}
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    packages = project["tool"]["setuptools"]["packages"]["find"]["include"]
    needed = {"pyproject.toml", project["project"]["readme"]}
    needed |= {pattern.rstrip("*") for pattern in packages}
    assert needed <= copied, needed - copied
    ignored = set((REPO / ".dockerignore").read_text().split())
    assert not needed & ignored
    assert {".env", ".git", ".venv", "data"} <= ignored  # no secrets or local state in it


def test_the_database_is_on_a_volume() -> None:
    volumes = [v for args in arguments("VOLUME") for v in json.loads(args)]
    database = PurePosixPath(docker_env()["DATABASE_PATH"])
    assert str(database.parent) in volumes
    assert "ARTICLES_DIR" not in docker_env()  # the bundled articles load


def test_the_image_starts_the_bot_like_the_readme() -> None:
    (cmd,) = arguments("CMD")
    assert json.loads(cmd) == RUN_BOT
    assert "python -m bot" in "\n".join(readme_quick_start())


def test_the_readme_quick_start_makes_a_virtualenv_before_installing() -> None:
    lines = [line.split("#")[0].strip() for line in readme_quick_start()]
    venv = next(i for i, line in enumerate(lines) if "-m venv" in line)
    activate = next(i for i, line in enumerate(lines) if "bin/activate" in line)
    install = next(i for i, line in enumerate(lines) if "pip install" in line)
    assert venv < activate < install


def test_the_deployment_guide_installs_the_same_way() -> None:
    guide = code_block(REPO / "docs" / "deployment.md", "Install into a virtualenv")
    assert pip_install_targets(guide) == pip_install_targets(readme_quick_start())


# compose.yaml


def test_compose_builds_the_dockerfile_and_keeps_the_data_on_a_named_volume() -> None:
    spec = compose()
    bot = spec["services"]["bot"]
    assert bot["build"]["dockerfile"] == "Dockerfile"
    assert (REPO / bot["build"]["context"] / "Dockerfile").is_file()
    assert bot["env_file"] == ".env"
    database = docker_env()["DATABASE_PATH"]
    assert bot["environment"]["DATABASE_PATH"] == database  # wins over .env's own path
    mounts = [volume.split(":") for volume in bot["volumes"]]
    assert [name for name, target in mounts if target == str(PurePosixPath(database).parent)]
    assert all(name in spec["volumes"] for name, _ in mounts)


def test_the_yaml_reader_reads_what_compose_yaml_uses() -> None:
    text = "a:\n  b:\n    - x:y  # c\n  d: 'e'\n  f:\n    g: h\nv:\n  w:\n"
    assert simple_yaml(text) == {"a": {"b": ["x:y"], "d": "e", "f": {"g": "h"}}, "v": {"w": None}}


# systemd


@pytest.fixture(scope="module")
def service() -> dict[str, list[str]]:
    return systemd_unit()["Service"]


def test_the_unit_runs_python_m_bot_from_a_virtualenv(service: dict[str, list[str]]) -> None:
    (exec_start,) = service["ExecStart"]
    python, *rest = shlex.split(exec_start)
    assert PurePosixPath(python).parent.parent.name in {".venv", "venv"}
    assert PurePosixPath(python).name == "python"
    assert rest == RUN_BOT[1:]


def test_the_unit_runs_as_a_dedicated_user_and_restarts_on_failure(
    service: dict[str, list[str]],
) -> None:
    assert service["User"][0] not in {"root", "0"}
    assert service["Restart"] == ["on-failure"]
    assert service["EnvironmentFile"]
    assert systemd_unit()["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_unit_may_write_only_its_data_folder(service: dict[str, list[str]]) -> None:
    assert service["NoNewPrivileges"] == ["yes"]
    assert service["ProtectSystem"] == ["strict"]
    writable = {path for value in service["ReadWritePaths"] for path in value.split()}
    state = {f"/var/lib/{name}" for name in service["StateDirectory"]}
    # A relative DATABASE_PATH (the default data/reactions.db) lands in WorkingDirectory.
    assert service["WorkingDirectory"][0] in writable | state


# compose.yaml + compose.sharded.yaml: shard processes on one PostgreSQL


def sharded() -> dict[str, Any]:
    """Return compose.yaml with compose.sharded.yaml over it, merged the way Compose merges."""
    spec = compose()
    override = simple_yaml((REPO / "compose.sharded.yaml").read_text())
    for name, service in override["services"].items():
        merged = dict(spec["services"].get(name) or {})
        for key, value in service.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = merged[key] | value
            else:
                merged[key] = value
        spec["services"][name] = merged
    return spec


def test_postgresql_starts_only_with_its_profile_and_keeps_its_data_on_a_volume() -> None:
    postgres = compose()["services"]["postgres"]
    assert postgres["profiles"] == ["postgres"]
    (volume,) = postgres["volumes"]
    name, target = volume.split(":")
    assert name in compose()["volumes"]
    assert target == "/var/lib/postgresql/data"
    assert postgres["healthcheck"]["test"][0] == "CMD-SHELL"


def test_the_sharded_example_runs_every_shard_once_on_the_one_postgresql() -> None:
    services = sharded()["services"]
    bots = {name: s for name, s in services.items() if s.get("image") == "reaction-reel:latest"}
    assert len(bots) >= 2
    counts = {bot["environment"]["SHARD_COUNT"] for bot in bots.values()}
    (count,) = counts
    shards = sorted(int(bot["environment"]["SHARD_IDS"]) for bot in bots.values())
    assert shards == list(range(int(count)))
    postgres = services["postgres"]["environment"]
    url = f"postgresql://{postgres['POSTGRES_USER']}:${{POSTGRES_PASSWORD}}@postgres:5432/"
    for bot in bots.values():
        assert bot["environment"]["DATABASE_URL"] == url + postgres["POSTGRES_DB"]
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert bot["env_file"] == ".env"
        assert bot["init"] == "true"
    # One panel at most: every process but one turns WEB_LISTEN off over .env's.
    panels = [name for name, bot in bots.items() if bot["environment"].get("WEB_LISTEN") != ""]
    assert panels == ["bot"]
