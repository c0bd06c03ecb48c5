"""Rows of the results table, percentiles, and printing the table as text or Markdown."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
SQLITE = "sqlite"
POSTGRESQL = "postgresql"
BACKENDS = (SQLITE, POSTGRESQL)
ANY = "-"


@dataclass(frozen=True, slots=True)
class Row:
    """One figure: our value, the baseline measured in the same run, and the target.

    ``ratio`` is ours / baseline. ``met`` is None for a figure reported without a target.
    ``backend`` is the store's backend the figure was measured on (`SQLITE`,
    `POSTGRESQL`), or `ANY` for a figure that does not touch the store.
    """

    section: str
    backend: str
    figure: str
    ours: str
    baseline: str
    ratio: str
    target: str
    met: bool | None

    @property
    def verdict(self) -> str:
        """Return ``met``, ``MISSED`` or ``-`` (no target, or not measured)."""
        if self.met is None:
            return "-"
        return "met" if self.met else "MISSED"


def skipped(section: str, backend: str, figure: str, target: str, why: str) -> Row:
    """Return the row of a figure that could not be measured here, saying why."""
    return Row(section, backend, figure, f"skipped: {why}", "-", "-", target, None)


def ratio_text(ours: float, baseline: float) -> str:
    """Return ``ours / baseline`` as ``1.23×``, or ``-`` when there is no baseline."""
    if not baseline or math.isnan(baseline) or math.isnan(ours):
        return "-"
    value = ours / baseline
    if value >= 100:
        return f"{value:.0f}×"
    if value >= 10:
        return f"{value:.1f}×"
    return f"{value:.2f}×"


def ms(seconds: float) -> str:
    """Format a duration in milliseconds with sensible precision."""
    value = seconds * 1000
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Return the ``fraction`` quantile (0.5 = median, 0.99 = p99), nearest-rank method."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(samples: Sequence[float]) -> float:
    """Return the median, NaN for no samples."""
    return statistics.median(samples) if samples else math.nan


HEADERS = ("figure", "backend", "ours", "baseline", "ratio", "target", "met")


def _cells(row: Row) -> tuple[str, ...]:
    return (row.figure, row.backend, row.ours, row.baseline, row.ratio, row.target, row.verdict)


def text_table(rows: Sequence[Row]) -> str:
    """Return the rows as an aligned plain-text table, one section heading per group."""
    widths = [len(header) for header in HEADERS]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, _cells(row), strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True))
    out = [line, "-" * len(line)]
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            out.append(f"[{section}]")
        out.append("  ".join(c.ljust(w) for c, w in zip(_cells(row), widths, strict=True)))
    return "\n".join(out)


def markdown_table(rows: Sequence[Row]) -> str:
    """Return the rows as a GitHub Markdown table (figures prefixed by their section)."""
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row in rows:
        cells = list(_cells(row))
        cells[0] = f"{row.section}: {row.figure}"
        cells[-1] = {"met": "✅ met", "MISSED": "❌ missed"}.get(cells[-1], "–")
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(out)


def save(rows: Sequence[Row], path: Path) -> None:
    """Write the rows as JSON, for comparing runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(row) for row in rows], indent=2, ensure_ascii=False))
