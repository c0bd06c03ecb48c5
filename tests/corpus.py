"""Articles with hand-checked expected results: the repository's own, and the shared corpus.

The repository carries small fixture pages of its own (``tests/fixtures/articles``), so a
plain clone tests every markup kind the parser reads. The shared corpus of real pages
(``../shared/corpus`` beside the repository, or ``$REEL_CORPUS``) runs too wherever it is
present; where it is not, its tests are skipped with a reason that says how to get it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from bot.domain.errors import NoReactions
from bot.parsing import parse

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "articles"
CORPUS_MISSING = (
    "the shared corpus of real pages is not here: set REEL_CORPUS=/path/to/shared/corpus "
    "(or put shared/corpus beside the repository) to run these tests"
)
# The keys of DESIGN.md's `parse` reaction; expected files may carry more (`post_id`).
FIELDS = ("platform", "text", "author_name", "handle", "date", "url")


def corpus_dir() -> Path | None:
    """Return the corpus folder: ``$REEL_CORPUS`` or ``../shared/corpus`` beside the repo."""
    configured = os.environ.get("REEL_CORPUS")
    candidate = Path(configured) if configured else REPO.parent / "shared" / "corpus"
    return candidate if candidate.is_dir() else None


def corpus_or_skip() -> Path:
    """Return the shared corpus folder, or skip the calling test with how to get it."""
    folder = corpus_dir()
    if folder is None:
        pytest.skip(CORPUS_MISSING)
    return folder


def platforms_dir() -> Path | None:
    """Return the embeds of other platforms: ``$REEL_PLATFORMS`` or ``../shared/platforms``."""
    configured = os.environ.get("REEL_PLATFORMS")
    candidate = Path(configured) if configured else REPO.parent / "shared" / "platforms"
    return candidate if candidate.is_dir() else None


def expected_files() -> list[Path]:
    """Return every ``*.expected.json`` of the shared pages (corpus, platforms); none if absent."""
    folder = corpus_dir()
    found = sorted(folder.rglob("*.expected.json")) if folder is not None else []
    platforms = platforms_dir()
    return found + (sorted(platforms.glob("*.expected.json")) if platforms else [])


def fixture_expected_files() -> list[Path]:
    """Return every ``*.expected.json`` of the repository's own fixture articles."""
    return sorted(FIXTURES.glob("*.expected.json"))


def article_for(expected: Path) -> Path:
    """Return the article file an expected file describes (same name, .txt or .html)."""
    stem = expected.name.removesuffix(".expected.json")
    for suffix in (".txt", ".html", ".htm"):
        candidate = expected.with_name(stem + suffix)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no article beside {expected}")


def comparable(entry: dict[str, Any]) -> dict[str, Any]:
    """Collapse white space in texts, as the corpus files do, and keep contract fields."""
    return {key: " ".join(entry[key].split()) if key == "text" else entry[key] for key in FIELDS}


def expected_reactions(raw: Any) -> list[dict[str, Any]]:
    """Return the posts with text, each once, from an expected file of either shape.

    An expected file is either a list of posts in page order, or an object with the
    article's ``movie``, ``slug``, ``spoiler``, ``published`` and its ``reactions``.
    Posts with ``"text": null`` (ID-only or link-only embeds) are not in ``parse``'s
    output, and a post listed twice (embedded twice) is in it once.
    """
    entries = raw["reactions"] if isinstance(raw, dict) else raw
    seen: set[str] = set()
    result = []
    for entry in entries:
        if entry["text"] is None:
            continue
        key = entry.get("post_id") or json.dumps(comparable(entry), sort_keys=True)
        if key not in seen:
            seen.add(key)
            result.append(comparable(entry))
    return result


def expected_skipped(raw: Any) -> list[tuple[str, str | None]]:
    """Return ``(platform, url)`` of the posts the page names without text, each once."""
    entries = raw["reactions"] if isinstance(raw, dict) else raw
    with_text = {entry.get("post_id") for entry in entries if entry["text"] is not None}
    seen: set[str] = set()
    result = []
    for entry in entries:
        key = entry.get("post_id") or entry["url"]
        if entry["text"] is None and key not in with_text and key not in seen:
            seen.add(key)
            result.append((entry["platform"], entry["url"]))
    return result


def assert_parses_to_expected(expected_path: Path) -> None:
    """Parse the article beside ``expected_path`` and compare it with the expected file.

    Posts the page names without text must be listed in ``skipped``, and a page with
    nothing else is refused with a sentence that says so.
    """
    raw = json.loads(expected_path.read_text(encoding="utf-8"))
    want = expected_reactions(raw)
    data = article_for(expected_path).read_bytes()
    skipped = expected_skipped(raw)
    if not want:
        with pytest.raises(NoReactions, match=" no text in the page" if skipped else None):
            parse(data)
        return
    article = parse(data)
    assert [comparable(r.to_json()) for r in article.reactions] == want
    assert [(post.platform, post.url) for post in article.skipped] == skipped
    if isinstance(raw, dict):
        movie = None if article.movie is None else (article.movie.title, article.movie.slug)
        assert movie == (None if raw["movie"] is None else (raw["movie"], raw["slug"]))
        assert article.spoiler is raw["spoiler"]
        assert article.published == raw["published"]
