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


def platforms_dir() -> Path | None:
    """Return the embeds of other platforms: ``$REEL_PLATFORMS`` or ``../shared/platforms``."""
    configured = os.environ.get("REEL_PLATFORMS")
    candidate = Path(configured) if configured else REPO.parent / "shared" / "platforms"
    return candidate if candidate.is_dir() else None


def expected_files() -> list[Path]:
    """Return every ``*.expected.json`` in the corpus, or skip (fail on CI) without one."""
    folder = corpus_dir()
    if folder is None:
        if os.environ.get("CI"):
            pytest.fail("the shared corpus is missing: set REEL_CORPUS", pytrace=False)
        return []
    platforms = platforms_dir()
    extra = sorted(platforms.glob("*.expected.json")) if platforms else []
    return sorted(folder.rglob("*.expected.json")) + extra


def article_for(expected: Path) -> Path:
    """Return the article file an expected file describes (same name, .txt or .html)."""
    stem = expected.name.removesuffix(".expected.json")
    for suffix in (".txt", ".html", ".htm"):
        candidate = expected.with_name(stem + suffix)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no article beside {expected}")
