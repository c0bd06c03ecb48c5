"""Locate the shared corpus of articles and their hand-checked expected results."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path | None:
    """Return the corpus folder: ``$REEL_CORPUS`` or ``../shared/corpus`` beside the repo."""
    configured = os.environ.get("REEL_CORPUS")
    candidate = Path(configured) if configured else REPO.parent / "shared" / "corpus"
    return candidate if candidate.is_dir() else None


def expected_files() -> list[Path]:
    """Return every ``*.expected.json`` in the corpus, or skip (fail on CI) without one."""
    folder = corpus_dir()
    if folder is None:
        if os.environ.get("CI"):
            pytest.fail("the shared corpus is missing: set REEL_CORPUS", pytrace=False)
        return []
    return sorted(folder.rglob("*.expected.json"))


def article_for(expected: Path) -> Path:
    """Return the article file an expected file describes (same name, .txt or .html)."""
    stem = expected.name.removesuffix(".expected.json")
    for suffix in (".txt", ".html", ".htm"):
        candidate = expected.with_name(stem + suffix)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no article beside {expected}")
