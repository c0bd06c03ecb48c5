"""Progress of long work: a bar when stderr is a terminal; otherwise the summary line says it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

Advance = Callable[[int], None]


@contextmanager
def progress(total: int, what: str, unit: str) -> Iterator[Advance]:
    """Yield a function that advances the bar by n; a no-op when stderr is not a terminal."""
    if total <= 0 or not sys.stderr.isatty():
        yield lambda _n: None
        return
    with tqdm(total=total, desc=what, unit=unit, file=sys.stderr, leave=False) as bar:

        def advance(steps: int) -> None:
            bar.update(steps)

        yield advance
