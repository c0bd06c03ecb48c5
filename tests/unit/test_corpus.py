"""Every article in the shared corpus of real pages parses to its hand-checked result.

The corpus lives outside the repository (``../shared/corpus`` or ``$REEL_CORPUS``). Where
it is absent these tests are skipped with a reason saying how to get it; the repository's
own fixtures (tests/unit/test_fixtures.py) cover the same markup in a plain clone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.corpus import CORPUS_MISSING, assert_parses_to_expected, expected_files


def _cases() -> list[object]:
    found = expected_files()
    if found:
        return [pytest.param(path, id=path.stem) for path in found]
    if os.environ.get("REEL_CORPUS"):
        # A mistyped REEL_CORPUS must fail, not turn the corpus tests into a silent skip.
        return [pytest.param(None, id="REEL_CORPUS")]
    return [pytest.param(None, id="shared-corpus", marks=pytest.mark.skip(CORPUS_MISSING))]


@pytest.mark.parametrize("expected_path", _cases())
def test_article_parses_to_expected(expected_path: Path | None) -> None:
    configured = os.environ.get("REEL_CORPUS")
    assert expected_path is not None, f"REEL_CORPUS={configured} holds no *.expected.json"
    assert_parses_to_expected(expected_path)
