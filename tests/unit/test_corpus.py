"""Every article in the shared corpus parses to its hand-checked expected result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.domain.errors import NoReactions
from bot.parsing import parse
from tests.corpus import article_for, expected_files

FIELDS = ("platform", "text", "author_name", "handle", "date", "url")


def _comparable(entry: dict[str, Any]) -> dict[str, Any]:
    """Collapse white space in texts, as the corpus files do, and keep contract fields."""
    return {key: " ".join(entry[key].split()) if key == "text" else entry[key] for key in FIELDS}


def _expected_reactions(raw: Any) -> list[dict[str, Any]]:
    """Return the posts with text, each once, from an expected file of either shape."""
    entries = raw["reactions"] if isinstance(raw, dict) else raw
    seen: set[str] = set()
    result = []
    for entry in entries:
        if entry["text"] is None:
            continue
        key = entry.get("post_id") or json.dumps(_comparable(entry), sort_keys=True)
        if key not in seen:
            seen.add(key)
            result.append(_comparable(entry))
    return result


def _expected_skipped(raw: Any) -> list[tuple[str, str | None]]:
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


@pytest.mark.parametrize("expected_path", expected_files(), ids=lambda p: p.stem)
def test_article_parses_to_expected(expected_path: Path) -> None:
    raw = json.loads(expected_path.read_text(encoding="utf-8"))
    want = _expected_reactions(raw)
    data = article_for(expected_path).read_bytes()
    skipped = _expected_skipped(raw)
    if not want:
        with pytest.raises(NoReactions, match=" no text in the page" if skipped else None):
            parse(data)
        return
    article = parse(data)
    assert [_comparable(r.to_json()) for r in article.reactions] == want
    assert [(post.platform, post.url) for post in article.skipped] == skipped
    if isinstance(raw, dict):
        assert article.movie is not None
        assert (article.movie.title, article.movie.slug) == (raw["movie"], raw["slug"])
        assert article.spoiler is raw["spoiler"]
        assert article.published == raw["published"]


def test_corpus_is_found() -> None:
    assert expected_files(), "no *.expected.json found; is ../shared/corpus beside the repo?"
