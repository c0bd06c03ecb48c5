"""Spoiler, markdown and mention safety of everything bot/render.py renders, as properties.

`markdown_problems` models the part of Discord's markdown that matters here: the escape
rule (a backslash before any character that is not an ASCII letter, digit or white space),
inline markup, line-start markup, spoilers, masked links and mentions. Hypothesis then
feeds the renderer hostile text and checks that nothing in it formats, links, pings or
closes the spoiler, and that every message fits Discord's limits after escaping.

``REEL_HYPOTHESIS_EXAMPLES`` sets the examples per property (default 120), for a longer
search: ``REEL_HYPOTHESIS_EXAMPLES=5000 pytest tests/unit/test_render_properties.py``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import discord
import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from bot.discord_ui.render import (
    MAX_AUTHOR,
    MAX_DESCRIPTION,
    MAX_EMBEDS,
    MAX_FOOTER,
    reaction_embed,
    render_page,
    render_search,
)
from bot.domain.markdown import _normalized_url, disarm, escape, one_line, plain, safe_url, shorten
from bot.domain.records import Movie, ReactionPage, SearchPage, StoredReaction
from tests.e2e.fake_discord.validate import message_problems

EXAMPLES = int(os.environ.get("REEL_HYPOTHESIS_EXAMPLES", "120"))
# A failure over 10,000-character texts shrinks slowly: report the first bug, skip "explain".
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    report_multiple_bugs=False,
)

# --- A model of Discord's markdown, enough to say "nothing unescaped" -------------------

# Characters that format, link, spoil or ping wherever they stand ("<" opens every mention).
INLINE = frozenset("\\*_~`|[]()<")
# Characters that mean something only at the start of a line: headings, subtext, lists.
LINE_START = frozenset("#-+>*")
# JavaScript's line terminators and white space: Discord's client parses with JS regexes.
LINE_BREAKS = frozenset("\n\r\u2028\u2029")
JS_SPACE = frozenset(
    "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
# User, role and channel mentions, timestamps, emoji, command and guild links all open with "<".
ANGLE_SYNTAX = re.compile(r"<(@|#|t:|:|a:|/|id:)")
# The one markup the renderer adds itself: the link to the original after a cut.
URL_CHARS = r"[A-Za-z0-9\-._:/?#@!$&'+,;=%]"
FULL_POST_LINK = re.compile(rf"\n\[Read the full post\]\((?P<target>https?://{URL_CHARS}+)\)")
WELL_FORMED_URL = re.compile(r"https?://[\x21-\x7e]+")
MAX_URL = 2048


def _escapable(char: str) -> bool:
    """Say whether Discord hides a backslash in front of ``char`` (simple-markdown's rule)."""
    return not (char.isascii() and char.isalnum()) and char not in JS_SPACE


def markdown_problems(text: str) -> list[str]:
    """Return every place in ``text`` that Discord would read as markup, a link or a ping."""
    problems: list[str] = []

    def flag(index: int, what: str) -> None:
        problems.append(f"{what} at {index}: {text[max(0, index - 12) : index + 12]!r}")

    at_line_start = True
    index = 0
    while index < len(text):
        char = text[index]
        if char in LINE_BREAKS:
            at_line_start = True
            index += 1
            continue
        if at_line_start and char in " \t":
            index += 1
            continue
        line_start, at_line_start = at_line_start, False
        if char == "\\":
            if index + 1 < len(text) and _escapable(text[index + 1]):
                index += 2
            else:
                flag(index, "backslash that escapes nothing")
                index += 1
            continue
        if char in INLINE:
            flag(index, f"unescaped {char!r}")
        elif line_start and char in LINE_START:
            flag(index, f"unescaped {char!r} at the start of a line")
        elif line_start and char.isascii() and char.isdigit():
            end = index
            while end < len(text) and text[end].isascii() and text[end].isdigit():
                end += 1
            if end < len(text) and text[end] == ".":
                flag(index, "numbered list")
            index = end
            continue
        index += 1
    problems += [f"mass mention {m.group()!r}" for m in MASS_MENTION.finditer(text)]
    problems += [f"bidi control {m.group()!r}" for m in BIDI_CONTROLS.finditer(text)]
    return problems


def plain_text_problems(text: str) -> list[str]:
    """Return mention or link syntax in a field Discord shows as plain text (author, footer)."""
    problems = [f"masked link at {m.start()}" for m in re.finditer(r"\]\(", text)]
    problems += [f"mention syntax {m.group()!r}" for m in ANGLE_SYNTAX.finditer(text)]
    problems += [f"mass mention {m.group()!r}" for m in MASS_MENTION.finditer(text)]
    problems += [f"bidi control {m.group()!r}" for m in BIDI_CONTROLS.finditer(text)]
    return problems


def shown(text: str) -> str:
    """Return what Discord displays for escaped text: every escaping backslash hidden."""
    out: list[str] = []
    index = 0
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text) and _escapable(text[index + 1]):
            index += 1
        out.append(text[index])
        index += 1
    return "".join(out)


def split_description(description: str, *, spoiler: bool) -> tuple[str, str]:
    """Split a description into the escaped text and the renderer's own link (or "")."""
    if spoiler:
        assert description.startswith("||"), description[:40]
        # The first "||" after the opening one must be the closing one: nothing in the
        # text may close the spoiler early, and no escape may swallow the closing bars.
        end = description.find("||", 2)
        assert end > 2, f"no spoiler text: {description[:40]!r}"
        body, rest = description[2:end], description[end + 2 :]
        assert "|" not in rest, f"bars after the spoiler: {rest[:40]!r}"
    else:
        link = re.search(FULL_POST_LINK.pattern + r"\Z", description)
        body, rest = (description[: link.start()], link.group()) if link else (description, "")
    assert rest == "" or FULL_POST_LINK.fullmatch(rest), f"unexpected tail {rest[:80]!r}"
    return body, rest


def check_description(description: str, *, spoiler: bool) -> None:
    """Assert one well-formed spoiler (when on) around text with nothing unescaped."""
    body, _ = split_description(description, spoiler=spoiler)
    assert markdown_problems(body) == []
    if spoiler:
        assert not body.endswith("\\"), f"backslash before the closing bars: {body[-20:]!r}"


def check_url(url: str | None) -> None:
    """Assert a link Discord accepts: http(s), printable ASCII only, at most 2,048 long."""
    if url is not None:
        assert WELL_FORMED_URL.fullmatch(url), url[:80]
        assert len(url) <= MAX_URL


def check_embed(embed: discord.Embed, *, spoiler: bool) -> None:
    """Assert an embed's text is safe in each field, within the per-field limits."""
    check_description(embed.description or "", spoiler=spoiler)
    assert len(embed.description or "") <= MAX_DESCRIPTION
    author = embed.author.name or ""
    assert 0 < len(author) <= MAX_AUTHOR
    assert plain_text_problems(author) == []
    footer = embed.footer.text or ""
    assert len(footer) <= MAX_FOOTER
    assert plain_text_problems(footer) == []
    check_url(embed.url)
    check_url(embed.author.url)


def check_message(content: str, embeds: Sequence[discord.Embed]) -> None:
    """Assert the whole message fits Discord's limits (the fake Discord's own validator)."""
    payload: dict[str, Any] = {"content": content, "embeds": [e.to_dict() for e in embeds]}
    assert message_problems(payload) == []
    assert len(embeds) <= MAX_EMBEDS


# --- Hostile input ---------------------------------------------------------------------

NASTY = [
    "||", "|", "\\", "\\\\", "\\|", "`", "```", "[x](y)", "[click](https://evil.example)",
    "](", "@everyone", "@here", "@EveryOne", "@\u202eeveryone", "@\u200deveryone",
    "<@&123456789012345678>", "<@123>", "<@!123>", "<#123>", "<t:1700000000:R>",
    "</reactions:1>", "<:reel:123>", "<a:reel:123>", "<id:customize>",
    "https://x.com/a||b", "https://x.com/a_b_c_/x*y*~z~", "http://e.com/(x)[y]`z`",
    "https://t.co/@everyone", "https://x.com/a\\b", "https://x.com/a|", "https://",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
    "# ", "## ", "-# ", "- ", "* ", "+ ", "> ", ">>> ", "1. ", "12. ", "**", "__", "~~",
    "*", "_", "~", "\n", "\r\n", "\r", "\u2028", "\u2029", "\t", " ", "  ", "…", "😀",
    "e\u0301", "%7C", "\x00", "\x1b", "\x85", ":", "/", "-", "#", ".", "!", "?", ")",
]  # fmt: skip

pieces = st.lists(st.sampled_from(NASTY) | st.text(max_size=10), max_size=30).map("".join)
long_text = st.builds(
    lambda unit, length: (unit * (length // max(1, len(unit)) + 1))[:length],
    pieces.filter(bool),
    st.integers(min_value=2_000, max_value=10_000),
)
texts = st.one_of(pieces, pieces, pieces, long_text)
names = st.none() | pieces | long_text
urls = st.one_of(
    st.none(),
    st.just(""),
    st.builds("https://x.com/{}".format, pieces),
    st.sampled_from(
        [
            "https://twitter.com/some_user/status/1",
            "https://www.instagram.com/p/AB_c-d/",
            "javascript:alert(1)",
            "not a url",
            "https://x.com/" + "a" * 3000,
        ]
    ),
)
dates = st.none() | st.sampled_from(["2024-01-03", "2023-12-31T10:00:00", "soon", ""])


@st.composite
def stored_reactions(draw: st.DrawFn, movie_id: int = 1) -> StoredReaction:
    return StoredReaction(
        id=draw(st.integers(min_value=0, max_value=10**9)),
        movie_id=movie_id,
        platform=draw(st.sampled_from(["twitter", "instagram", "threads"])),
        text=draw(texts),
        author_name=draw(names),
        handle=draw(names),
        date=draw(dates),
        url=draw(urls),
        spoiler=draw(st.booleans()),
        featured=draw(st.booleans()),
    )


movies = st.builds(Movie, id=st.just(1), title=texts, slug=st.just("slug"))
spoiler_flags = st.booleans() | st.lists(st.booleans(), min_size=MAX_EMBEDS, max_size=MAX_EMBEDS)


def flags_for(spoilers: bool | list[bool], count: int) -> list[bool]:
    return [spoilers] * count if isinstance(spoilers, bool) else spoilers[:count]


# --- The properties ----------------------------------------------------------------------


@PROPERTY
@given(text=texts)
@example(text="a|")
@example(text="ends in a backslash \\")
@example(text="@\u202eeveryone <@&123> [x](https://e.com) https://x.com/a||b")
def test_escaped_text_has_nothing_live_in_it(text: str) -> None:
    assert markdown_problems(escape(text)) == []


@PROPERTY
@given(text=texts, limit=st.integers(min_value=1, max_value=300))
@example(text=" a  b \u2028 c\u202e ", limit=4)
def test_a_shortened_line_is_still_one_line_so_disarm_is_plain(text: str, limit: int) -> None:
    # The renderer disarms shortened lines and bracketed handles without folding them
    # again: that must give what plain would.
    line = shorten(one_line(text), limit)
    for shown_as_is in (line, f"(@{line})"):
        assert one_line(shown_as_is) == shown_as_is
        assert disarm(shown_as_is) == plain(shown_as_is)


NO_URL_PIECES = [piece for piece in NASTY if "://" not in piece]
no_url_texts = st.lists(st.sampled_from(NO_URL_PIECES) | st.text(max_size=10), max_size=30).map(
    "".join
)


def as_written(text: str) -> str:
    """Return ``text`` as the renderer promises to show it: line breaks unified, invisible
    direction overrides and control characters dropped."""
    text = re.sub("\r\n?|[\u2028\u2029]", "\n", text)
    return re.sub("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "", text)


@PROPERTY
@given(text=no_url_texts)
def test_escaped_text_shows_as_written(text: str) -> None:
    assume("http" not in text.lower())
    assert shown(escape(text)).replace("@\u200b", "@") == as_written(text).replace("@\u200b", "@")


@PROPERTY
@given(
    reaction=stored_reactions(),
    movie=movies,
    spoiler=st.booleans(),
    budget=st.integers(min_value=120, max_value=MAX_DESCRIPTION),
)
@example(
    reaction=StoredReaction(
        1, 1, "twitter", "x " * 3000, None, None, None, "https://x.com/a", True
    ),
    movie=Movie(1, "M", "m"),
    spoiler=True,
    budget=120,
)
@example(
    reaction=StoredReaction(2, 1, "twitter", "ends in a bar |", None, None, None, None, True),
    movie=Movie(1, "M", "m"),
    spoiler=True,
    budget=MAX_DESCRIPTION,
)
@example(
    reaction=StoredReaction(3, 1, "twitter", "C:\\", "[x](y)", "everyone", None, None, True),
    movie=Movie(1, "<@&1> @here", "m"),
    spoiler=True,
    budget=MAX_DESCRIPTION,
)
def test_reaction_embed_is_one_safe_spoiler_within_its_budget(
    reaction: StoredReaction, movie: Movie, spoiler: bool, budget: int
) -> None:
    embed = reaction_embed(
        reaction, movie=movie, number=3, total=10, spoiler=spoiler, budget=budget
    )
    check_embed(embed, spoiler=spoiler)
    assert len(embed.description or "") <= budget
    check_message("", [embed])


@PROPERTY
@given(
    reactions=st.lists(stored_reactions(), min_size=0, max_size=MAX_EMBEDS),
    movie=movies,
    offset=st.integers(min_value=0, max_value=100),
    spoilers=spoiler_flags,
)
def test_rendered_page_is_safe_and_fits_one_message(
    reactions: list[StoredReaction], movie: Movie, offset: int, spoilers: bool | list[bool]
) -> None:
    page = ReactionPage(
        movie=movie, reactions=tuple(reactions), offset=offset, total=offset + len(reactions)
    )
    flags = flags_for(spoilers, len(reactions))
    rendered = render_page(page, page_size=MAX_EMBEDS, spoilers=flags)
    title = re.fullmatch(
        r"\*\*(?P<title>.*)\*\*(?: — reactions \d+–\d+ of \d+| has no reactions to show\.)",
        rendered.content,
        re.DOTALL,
    )
    assert title is not None, rendered.content[:100]
    assert markdown_problems(title["title"]) == []
    assert not title["title"].endswith("\\")
    for embed, flag in zip(rendered.embeds, flags, strict=True):
        check_embed(embed, spoiler=flag)
    check_message(rendered.content, rendered.embeds)


@PROPERTY
@given(
    reactions=st.lists(
        st.integers(min_value=1, max_value=3).flatmap(stored_reactions), max_size=MAX_EMBEDS
    ),
    titles=st.lists(texts, min_size=3, max_size=3),
    query=texts,
    spoilers=spoiler_flags,
)
def test_rendered_search_is_safe_and_fits_one_message(
    reactions: list[StoredReaction], titles: list[str], query: str, spoilers: bool | list[bool]
) -> None:
    by_id = {n: Movie(n, title, f"m{n}") for n, title in enumerate(titles, start=1)}
    result = SearchPage(query=query, reactions=tuple(reactions), offset=0, total=len(reactions))
    flags = flags_for(spoilers, len(reactions))
    rendered = render_search(result, by_id, page_size=MAX_EMBEDS, spoilers=flags)
    quoted = re.fullmatch(r".*?“(?P<query>.*)”.*", rendered.content, re.DOTALL)
    assert quoted is not None, rendered.content[:100]
    assert markdown_problems(quoted["query"]) == []
    for embed, flag in zip(rendered.embeds, flags, strict=True):
        check_embed(embed, spoiler=flag)
    check_message(rendered.content, rendered.embeds)


# --- The checker itself must catch what it is for -----------------------------------------


@pytest.mark.parametrize(
    "live",
    [
        "a || b",
        "**bold**",
        "__under__",
        "~~strike~~",
        "`code`",
        "[x](https://e.com)",
        "<@123>",
        "<@&1>",
        "<#1>",
        "<t:1:R>",
        "@everyone",
        "@HERE",
        "# heading",
        "-# subtext",
        "- item",
        "  + item",
        "> quote",
        "first\n12. item",
        "trailing \\",
        "rtl \u202e",
    ],
)
def test_checker_catches_live_markdown(live: str) -> None:
    assert markdown_problems(live)


@pytest.mark.parametrize(
    "inert",
    [
        "a \\|\\| b",
        "\\*\\*bold\\*\\*",
        "\\[x\\]\\(https://e.com\\)",
        "\\<@123>",
        "@\u200beveryone",
        "\\# heading",
        "1\\. item",
        "mid-line # and - are plain",
        "https://x.com/a%7C%7Cb",
        "literal \\\\ backslash",
    ],
)
def test_checker_accepts_escaped_text(inert: str) -> None:
    assert markdown_problems(inert) == []


def test_spoiler_closed_by_an_escaped_bar_is_caught() -> None:
    with pytest.raises(AssertionError):
        check_description("||a\\|||", spoiler=True)


def test_masked_link_and_mention_in_plain_fields_are_caught() -> None:
    assert plain_text_problems("[x](https://e.com)")
    assert plain_text_problems("Name (@everyone)")
    assert plain_text_problems("<@&1>")
    assert plain_text_problems("Name (@\u200beveryone) [x]\u200b(y)") == []


# A link as posts carry them: scheme, host labels, then path, query and fragment made of
# the characters a link may keep, and some it may not.
_LINK_PART = st.text(alphabet="abcXYZ019-._~:/@!$&'()*+,;=%?# |é", max_size=30)
_LINK = st.builds(
    lambda scheme, labels, rest: f"{scheme}://{'.'.join(labels)}{rest}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.lists(st.from_regex(r"[a-zA-Z0-9-]{1,64}", fullmatch=True), min_size=1, max_size=4),
    _LINK_PART,
)


@PROPERTY
@given(link=_LINK)
@example(link="https://x.com/a?")
@example(link="https://x.com/a#")
@example(link="https://x.com?q#f")
def test_a_plain_link_is_kept_as_the_general_path_would_make_it(link: str) -> None:
    # safe_url returns most links unchanged without parsing them: exactly when parsing,
    # encoding the host and quoting the rest would give the same link.
    assert safe_url(link) == _normalized_url(link.strip())
