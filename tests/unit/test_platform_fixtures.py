"""Our own pages with each platform's embed markup and traps parse to their expected JSON.

Each ``tests/fixtures/platforms/NAME.html`` was written for this test (neutral text, the
markup of real embed codes); ``NAME.expected.json`` holds the full result, ``post_id``
and paragraph breaks included, or the `NoReactions` message a page must get.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bot.domain.errors import NoReactions
from bot.parsing import parse
from bot.platforms import PLATFORMS

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "platforms"
PAGES = sorted(FOLDER.glob("*.html"))


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.stem)
def test_page_parses_to_expected(page: Path) -> None:
    expected = json.loads(page.with_name(f"{page.stem}.expected.json").read_text("utf-8"))
    if "error" in expected:
        with pytest.raises(NoReactions) as raised:
            parse(page.read_bytes())
        assert str(raised.value) == expected["message"]
        return
    article = parse(page.read_bytes())
    assert [dataclasses.asdict(reaction) for reaction in article.reactions] == expected["reactions"]
    assert [post.to_json() for post in article.skipped] == expected["skipped"]
    assert (article.movie.title if article.movie else None) == expected["movie"]


def test_every_platform_with_embeds_has_a_fixture() -> None:
    seen: set[str] = set()
    for page in PAGES:
        expected = json.loads(page.with_name(f"{page.stem}.expected.json").read_text("utf-8"))
        seen.update(r["platform"] for r in expected.get("reactions", []))
        seen.update(p["platform"] for p in expected.get("skipped", []))
    assert seen == {platform.name for platform in PLATFORMS if platform.embed_selector}
