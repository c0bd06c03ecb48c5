"""Every article in the shared corpus of real pages parses to its hand-checked result.

The corpus lives outside the repository (``../shared/corpus`` or ``$REEL_CORPUS``). Where
it is absent these tests are skipped with a reason saying how to get it; the repository's
own fixtures (tests/unit/test_fixtures.py) cover the same markup in a plain clone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.corpus import CORPUS_MISSING, assert_parses_to_expected, corpus_dir, expected_files


def _cases() -> list[object]:
    found = expected_files()
    if not found:
        return [pytest.param(None, id="shared-corpus", marks=pytest.mark.skip(CORPUS_MISSING))]
    return [pytest.param(path, id=path.stem) for path in found]


@pytest.mark.parametrize("expected_path", _cases())
def test_article_parses_to_expected(expected_path: Path) -> None:
    assert_parses_to_expected(expected_path)


def test_reel_corpus_names_a_corpus_when_set() -> None:
    # A mistyped REEL_CORPUS must not turn the corpus tests into silent skips.
    configured = os.environ.get("REEL_CORPUS")
    if not configured:
        pytest.skip("REEL_CORPUS is not set; the corpus is looked for beside the repository")
    assert corpus_dir() is not None, f"REEL_CORPUS={configured} is not a folder"
    assert expected_files(), f"REEL_CORPUS={configured} holds no *.expected.json"
