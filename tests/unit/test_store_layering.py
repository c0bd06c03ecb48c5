"""The store's logic is written once: only a backend's folder knows its driver."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_layering import imported

STORE = Path(__file__).resolve().parents[2] / "bot" / "store"
BACKENDS = ("sqlite", "postgres")
BACKEND_PACKAGES = {f"bot.store.{backend}" for backend in BACKENDS}
DRIVERS = {"aiosqlite", "sqlite3", "asyncpg", "psycopg"}
CHOOSERS = ("__init__.py", "factory.py")
"""The only modules outside a backend's folder that name one: they open the store."""


def outside_backends() -> list[Path]:
    """Return the store's modules that belong to no backend."""
    return sorted(
        path for path in STORE.rglob("*.py") if path.relative_to(STORE).parts[0] not in BACKENDS
    )


def names_a_backend(module: str) -> bool:
    """Tell whether ``module`` is a backend's package or inside one."""
    return ".".join(module.split(".")[:3]) in BACKEND_PACKAGES


@pytest.mark.parametrize(
    "path",
    [path for path in outside_backends() if str(path.relative_to(STORE)) not in CHOOSERS],
    ids=lambda path: str(path.relative_to(STORE)),
)
def test_backend_neutral_store_code_names_no_driver_or_backend(path: Path) -> None:
    names = imported(path)

    assert {name.split(".")[0] for name in names} & DRIVERS == set()
    assert {name for name in names if names_a_backend(name)} == set()


def test_only_the_factory_and_the_package_pick_a_backend() -> None:
    choosers = [
        str(path.relative_to(STORE))
        for path in outside_backends()
        if any(names_a_backend(name) for name in imported(path))
    ]

    assert choosers == sorted(CHOOSERS)
