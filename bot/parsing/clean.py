"""Normalisers shared by the text and HTML parsers: white space, dates, handles."""

from __future__ import annotations

import datetime as dt
import re

# Month names of the languages embed widgets render dates in (twitter's `data-lang`).
# A table, not a date library: embed dates come in a handful of fixed shapes, and this
# runs for every post of every page, where a general parser would cost more than the
# whole HTML parse (see README, "Dependencies").
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan januar janvier enero gennaio janeiro januari jänner",
        "february feb februar février fevrier febrero febbraio fevereiro februari",
        "march mar märz maerz mars marzo março maart",
        "april apr avril abril aprile",
        "may mai mayo maggio maio mei",
        "june jun juni juin junio giugno junho",
        "july jul juli juillet julio luglio julho",
        "august aug août aout agosto augustus",
        "september sep sept septembre septiembre settembre setembro",
        "october oct oktober octobre octubre ottobre outubro",
        "november nov novembre noviembre novembro",
        "december dec dezember décembre decembre diciembre dicembre dezembro",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

# A month name is a whole word of at most 12 letters. Both bounds keep a search linear: an
# unbounded name retried from every letter of a long word is quadratic in its length.
_MONTH = r"(?<![^\W\d_])([^\W\d_]{1,12})\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th|er|º|\.)?"
_MONTH_DAY_YEAR = re.compile(rf"{_MONTH}\s+{_DAY},?\s+(\d{{4}})", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(rf"{_DAY}\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?(\d{{4}})", re.IGNORECASE)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def collapse_ws(text: str) -> str:
    """Collapse every run of white space (NBSP and U+3000 included) to one space."""
    return " ".join(text.split())


def normalise_paragraphs(paragraphs: list[str]) -> str:
    """Join paragraphs with a blank line, each collapsed, empty ones dropped."""
    return "\n\n".join(p for p in (collapse_ws(p) for p in paragraphs) if p)


def _build(year: str, month: int, day: str) -> str | None:
    try:
        return dt.date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """Return the first date written in ``text`` as ISO ``YYYY-MM-DD``, or None.

    Understands ``January 1, 2024``, ``June 12th 2022``, ``25. September 2018``,
    ``3 de enero de 2024`` and ISO dates, in the languages of ``_MONTHS``.
    """
    for pattern, order in ((_MONTH_DAY_YEAR, "mdy"), (_DAY_MONTH_YEAR, "dmy")):
        for match in pattern.finditer(text):
            if order == "mdy":
                name, day, year = match.groups()
            else:
                day, name, year = match.groups()
            month = _MONTHS.get(name.casefold())
            if month and (date := _build(year, month, day)):
                return date
    if iso := _ISO.search(text):
        return _build(iso[1], int(iso[2]), iso[3])
    return None


def clean_handle(handle: str | None) -> str | None:
    """Return a handle without its ``@`` and white space, or None when empty."""
    if not handle:
        return None
    cleaned = handle.strip().lstrip("@").strip()
    return cleaned or None
