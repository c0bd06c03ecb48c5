"""Fixtures shared by every test layer: a migrated store, once per backend, on a real database.

SQLite runs on a file in the test's folder; PostgreSQL on a fresh database of a throwaway
server the run starts from the installed binaries (tests/pg_server.py) and stops at the end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store, open_sqlite_store
from tests.pg_server import (
    PostgresMissing,
    PostgresServer,
    find_bindir,
    shared_server,
    stop_shared_server,
)

BACKENDS = ["sqlite", "postgresql"]
"""Every backend the store's behaviour is checked on."""


def _postgres_missing() -> PostgresMissing | None:
    """Return why PostgreSQL cannot run here, or None when its binaries are installed."""
    try:
        find_bindir()
    except PostgresMissing as missing:
        return missing
    return None


MISSING = _postgres_missing()
"""Checked once per run: without PostgreSQL, its half is left out and said so in one line."""
_left_out: list[str] = []
"""The tests left out for want of PostgreSQL, by node id."""


def postgres_server() -> PostgresServer:
    """Return the run's PostgreSQL server, or skip the test (one reason for all) without it."""
    try:
        return shared_server()
    except PostgresMissing as missing:
        pytest.skip(str(missing))


async def open_backend(backend: str, tmp_path: Path) -> Store:
    """Open a fresh, migrated store of ``backend`` for one test."""
    if backend == "sqlite":
        return await open_sqlite_store(tmp_path / "data" / "reactions.db")
    if backend == "postgresql":
        return await postgres_server().open_store()
    raise AssertionError(f"unknown backend {backend!r}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each test taking ``backend`` (or ``store``) once per backend.

    A module that tests something other than the store through it (parser limits, say)
    names its backends in ``STORE_BACKENDS``; a test's own parametrize wins.
    """
    if "backend" not in metafunc.fixturenames:
        return
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0]
        listed = names.replace(" ", "").split(",") if isinstance(names, str) else list(names)
        if "backend" in listed:
            return
    backends = getattr(metafunc.module, "STORE_BACKENDS", BACKENDS)
    metafunc.parametrize("backend", backends, indirect=True)


def _needs_postgresql(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return (
        (callspec is not None and callspec.params.get("backend") == "postgresql")
        or "pg_server" in getattr(item, "fixturenames", ())
        or getattr(getattr(item, "module", None), "NEEDS_POSTGRESQL", False)
    )


WORKERS = 4
"""xdist workers for a run of the suite or a folder of it (``-n auto`` in pyproject.toml).

More than CI's two cores, as the tests often wait (bot processes, the fake Discord,
PostgreSQL); not many more, as each worker collects the suite and starts its own
PostgreSQL. Measured on an idle 2-core machine: 125 s with 3, 113 s with 4, 129 s with 5 or 6.
"""


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Run folders on `WORKERS` workers, and named test files in this process (``0``).

    A few files are done before the workers would have started (each collects the tests
    and starts its own PostgreSQL server).
    """
    here = config.invocation_params.dir
    folders = [arg for arg in config.args if (here / arg.split("::")[0]).is_dir()]
    return WORKERS if folders else 0


@pytest.hookimpl(trylast=True)  # after -k and -m have chosen, so the count is of those
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Hand out the e2e modules first; without PostgreSQL, leave out the tests needing it.

    xdist workers take whole modules in this order (``--dist loadscope
    --no-loadscope-reorder``, pyproject.toml): the long e2e modules first, so the many
    short ones after them even the workers out at the end.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)
    if MISSING is None:
        return
    needing = [item for item in items if _needs_postgresql(item)]
    if needing:
        _left_out.extend(item.nodeid for item in needing)
        config.hook.pytest_deselected(items=needing)
        items[:] = [item for item in items if item not in needing]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say in one line that the PostgreSQL half did not run, and why."""
    if MISSING is not None and _left_out:
        terminalreporter.write_line(f"SKIPPED [{len(_left_out)}] PostgreSQL half: {MISSING}")


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Name the backend the test runs on (skipping PostgreSQL where it is not installed)."""
    name = str(request.param)
    if name == "postgresql":
        postgres_server()
    return name


@pytest.fixture
def pg_server() -> PostgresServer:
    """Give the run's throwaway PostgreSQL server (skips without its binaries)."""
    return postgres_server()


@pytest.fixture
async def store(backend: str, tmp_path: Path) -> AsyncIterator[Store]:
    """Give a migrated store of each backend, on a fresh database, closed after the test."""
    opened = await open_backend(backend, tmp_path)
    try:
        yield opened
    finally:
        await opened.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop the PostgreSQL server the run started, if any."""
    stop_shared_server()
