"""Benchmark 1: our parser against a straightforward BeautifulSoup extraction, same pages.

Every HTML page of the shared corpus (and the plain-text seed) is parsed many rounds. The
baseline decodes the page the same way, builds a BeautifulSoup tree (``html.parser``: lxml
is not a dependency) and reads the same embeds with the same CSS selector: each post's
paragraphs, its ``— Name (@handle)`` line and its status link. It skips the title, date,
prose and movie detection our parser also does, so the ratio is, if anything, unfair to us.
Rounds of the two alternate, so drift on a shared machine hits both alike.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from benchmarks.results import ANY, Row, median, ratio_text
from bot.domain.errors import NoReactions, ReelError
from bot.parsing import parse
from bot.parsing.decode import decode_bytes
from bot.parsing.html import EMBEDS
from tests.corpus import corpus_dir

SECTION = "1 parse"
MIN_CYCLES = 5
BUDGET_SECONDS = 15.0
OURS_PER_CYCLE = 5
TARGET_MBPS = 100.0
TARGET_RATIO = 20.0
_HANDLE = re.compile(r"\(@(\w{1,30})\)")


@dataclass(frozen=True, slots=True)
class Page:
    """One corpus file and its bytes."""

    path: Path
    data: bytes

    @property
    def is_html(self) -> bool:
        """Say whether the page is an HTML file (the seed is plain text)."""
        return self.path.suffix.lower() in {".html", ".htm"}


def corpus_pages() -> list[Page]:
    """Return every article of the shared corpus, HTML and plain text, sorted by path."""
    folder = corpus_dir()
    if folder is None:
        raise SystemExit("the shared corpus is missing: set REEL_CORPUS (see tests/corpus.py)")
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in {".html", ".htm", ".txt"})
    return [Page(path, path.read_bytes()) for path in paths]


def ours(page: Page) -> int:
    """Parse one page with the bot's parser; return how many posts it found."""
    try:
        return len(parse(page.data).reactions)
    except ReelError:  # NoReactions for link-only pages; ParseError for refused input
        return 0


def refused(pages: list[Page]) -> list[str]:
    """Return a line per page the parser refuses outright (ParseError), for the log."""
    lines = []
    for page in pages:
        try:
            parse(page.data)
        except NoReactions:
            continue
        except ReelError as error:
            lines.append(f"{page.path.name}: {type(error).__name__}: {error}")
    return lines


def _bs_post(node: Tag) -> dict[str, str | None]:
    paragraphs = [p.get_text(" ", strip=True) for p in node.find_all("p")]
    attribution = paragraphs.pop() if len(paragraphs) > 1 else ""
    handle = _HANDLE.search(attribution)
    links = [a for a in node.find_all("a", href=True) if "/status" in str(a["href"])]
    return {
        "text": "\n\n".join(p for p in paragraphs if p) or node.get_text(" ", strip=True),
        "author": attribution.lstrip("—― ").split("(@")[0].strip() or None,
        "handle": handle[1] if handle else None,
        "url": str(links[-1]["href"]).split("?")[0] if links else None,
    }


def beautifulsoup(page: Page) -> int:
    """Extract the same embeds with BeautifulSoup; return how many posts had text."""
    soup = BeautifulSoup(decode_bytes(page.data).text, "html.parser")
    posts: list[dict[str, str | None]] = []
    inside: set[int] = set()
    for node in soup.select(EMBEDS):
        if id(node) in inside:
            continue
        inside.update(id(inner) for inner in node.select(EMBEDS))
        post = _bs_post(node)
        if post["text"]:
            posts.append(post)
    return len(posts)


def _pass(pages: list[Page], reader: Callable[[Page], int]) -> tuple[float, int]:
    begin = time.perf_counter()
    found = sum(reader(page) for page in pages)
    return time.perf_counter() - begin, found


def run() -> list[Row]:
    """Measure and return the parse rows."""
    pages = corpus_pages()
    html = [page for page in pages if page.is_html]
    text = [page for page in pages if not page.is_html]
    html_bytes = sum(len(page.data) for page in html)
    text_bytes = sum(len(page.data) for page in text)
    print(
        f"  corpus: {len(html)} HTML pages ({html_bytes / 1e6:.2f} MB), "
        f"{len(text)} plain-text page(s) ({text_bytes / 1e3:.1f} kB)"
    )
    for line in refused(html + text):
        print(f"  WARNING: the parser refuses {line} (timed as a 0-post page)")
    for page in html + text:  # warm-up, and imports
        ours(page)
    beautifulsoup(html[0])

    ours_html: list[float] = []
    ours_text: list[float] = []
    soup_html: list[float] = []
    found_ours = found_soup = 0
    started = time.perf_counter()
    while len(soup_html) < MIN_CYCLES or time.perf_counter() - started < BUDGET_SECONDS:
        for _ in range(OURS_PER_CYCLE):
            elapsed, found_ours = _pass(html, ours)
            ours_html.append(elapsed)
            ours_text.append(_pass(text, ours)[0] if text else 0.0)
        elapsed, found_soup = _pass(html, beautifulsoup)
        soup_html.append(elapsed)
    print(
        f"  rounds: ours {len(ours_html)} passes, BeautifulSoup {len(soup_html)} passes; "
        f"posts with text found per pass: ours {found_ours}, BeautifulSoup {found_soup}"
    )

    ours_mbps = html_bytes / median(ours_html) / 1e6
    soup_mbps = html_bytes / median(soup_html) / 1e6
    ours_aps = len(html) / median(ours_html)
    soup_aps = len(html) / median(soup_html)
    speedup = ours_mbps / soup_mbps
    rows = [
        Row(
            SECTION,
            ANY,
            "HTML throughput (MB/s)",
            f"{ours_mbps:.0f} MB/s",
            f"{soup_mbps:.1f} MB/s",
            ratio_text(ours_mbps, soup_mbps),
            f"≥ {TARGET_MBPS:.0f} MB/s and ≥ {TARGET_RATIO:.0f}×",
            ours_mbps >= TARGET_MBPS and speedup >= TARGET_RATIO,
        ),
        Row(
            SECTION,
            ANY,
            "HTML articles/s",
            f"{ours_aps:.0f}/s",
            f"{soup_aps:.1f}/s",
            ratio_text(ours_aps, soup_aps),
            f"≥ {TARGET_RATIO:.0f}×",
            ours_aps / soup_aps >= TARGET_RATIO,
        ),
    ]
    if text:
        text_time = median(ours_text)
        rows.append(
            Row(
                SECTION,
                ANY,
                "plain-text seed (MB/s, articles/s)",
                f"{text_bytes / text_time / 1e6:.1f} MB/s, {len(text) / text_time:.0f}/s",
                "-",
                "-",
                "-",
                None,
            )
        )
    return rows
