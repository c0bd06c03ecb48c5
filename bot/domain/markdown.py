"""Member-written text made safe for Discord markdown: escaping, links, shortening. No Discord."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

ELLIPSIS = "…"

# Longest link Discord takes in an embed's url fields; longer links are left out.
MAX_URL = 2048
# A movie title in a footer or a header is shortened to this many characters.
MAX_TITLE_FOOTER = 100
MAX_TITLE_HEADER = 200
MAX_HANDLE = 100
ZERO_WIDTH_SPACE = "\u200b"

# Like Discord's autolink: a URL does not end in punctuation that closes a sentence.
_URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,:;'\")\]!?]")
# Every character that Discord markdown gives a meaning, each with its escape. A backslash
# before ASCII punctuation is hidden by Discord, so escaping them all changes nothing a
# reader sees. The backslash comes first: the ones added for the others stay single.
_MARKDOWN_ESCAPES = tuple((char, "\\" + char) for char in "\\*_~`|>[]()<#-")
# Lists ("1. ", "+ ") only start a line; escaping the marker there is invisible too.
_NUMBERED_LIST = re.compile(r"^(\s*\d+)\.", re.MULTILINE)
_PLUS_LIST = re.compile(r"^(\s*)\+", re.MULTILINE)
# Either marker at the very start of a text: in text on one line, the only place for one.
_LIST_START = re.compile(r"\s*(?:\d+\.|\+)")
# In a URL, characters that could end a spoiler or start markup are percent-encoded
# instead: the link still works and nothing can close the `||` early.
_URL_UNSAFE = "|*~`<>[]()\\_"
_MENTION = re.compile(r"@(?=everyone|here|[!&]?\d)", re.IGNORECASE)
_MASS_MENTION = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
# Discord's client splits lines on all of these (JavaScript line terminators).
_LINE_BREAK = re.compile("\r\n?|[\u2028\u2029]")
# Direction overrides and isolates can make text read as something else (a fake
# "@everyone", a reversed link) and bleed into what follows; control characters
# show nothing. Neither has a place in a reaction, so both are dropped.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Syntax that still works in plain-text fields (author, footer) or in replies that
# quote them: a zero-width space after "<" or "@", or between "](", disarms it unseen.
_PLAIN_SYNTAX = re.compile(r"(?<=<)|(?<=\])(?=\()|(?<=@)(?=everyone|here)", re.IGNORECASE)
# What may stand in a link Discord accepts; everything else is percent-encoded.
_URL_SAFE = "-._~:/?#[]@!$&'()*+,;=%"
_HAS_HOST = re.compile(r"https?://[^/?#\s]", re.IGNORECASE)
# One label of a host name as Discord takes it: letters, digits and inner hyphens.
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
# A link `safe_url` would return unchanged: lower-case http(s), a lower-case ASCII host of
# valid labels and no port, then only characters it keeps, with no empty "?" or "#" that
# urlunsplit would drop. Most posts' links are such; they skip the general path.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_KEPT = r"[A-Za-z0-9\-._~:/@!$&'()*+,;=%]"
_PLAIN_URL = re.compile(
    rf"https?://(?:{_LABEL}\.)*{_LABEL}(?:/{_KEPT}*)?(?:\?(?:{_KEPT}|\?)+)?(?:#(?:{_KEPT}|[?#])+)?"
)


def _clean(text: str) -> str:
    """Unify line breaks and drop direction overrides and control characters."""
    if text.isprintable():
        # Line breaks, controls, direction marks and separators are all unprintable: most
        # names and many posts have none, and need neither pass (issue 15).
        return text
    return _INVISIBLE.sub("", _LINE_BREAK.sub("\n", text))


def _replace_each(text: str, replacements: tuple[tuple[str, str], ...]) -> str:
    """Replace every character of ``replacements`` in ``text`` by its replacement, in order.

    Not str.translate: with replacements longer than one character it looks up every
    character of the text in the table (a KeyError for each one it keeps), several times
    slower than a scan per character for the few that most texts hold (issue 15).
    """
    for char, replacement in replacements:
        if char in text:
            text = text.replace(char, replacement)
    return text


def _percent(unsafe: str) -> tuple[tuple[str, str], ...]:
    """Return `_replace_each` replacements percent-encoding the characters of ``unsafe``."""
    # By hand: urllib's quote never encodes "_" or "~", which are markdown here.
    return tuple((char, f"%{ord(char):02X}") for char in unsafe)


_URL_UNSAFE_CODES = _percent(_URL_UNSAFE)
_LINK_UNSAFE_CODES = _percent("()[]*~`|<>\\")


def _escape_text_url(url: str) -> str:
    return _replace_each(_MASS_MENTION.sub("%40", url), _URL_UNSAFE_CODES)


def _escape_plain(text: str) -> str:
    escaped = _replace_each(text, _MARKDOWN_ESCAPES)
    # Trying the line-anchored patterns at every position costs more than all the rest,
    # and most texts need neither (issue 15): a list starts a line, so in text on one line
    # it can only be at the start; and each rule needs its character in the text.
    if "\n" in escaped or _LIST_START.match(escaped):
        if "." in escaped:
            escaped = _NUMBERED_LIST.sub(r"\1\\.", escaped)
        if "+" in escaped:
            escaped = _PLUS_LIST.sub(r"\1\\+", escaped)
    if "@" in escaped:
        escaped = _MENTION.sub("@" + ZERO_WIDTH_SPACE, escaped)
    return escaped


def escape(text: str) -> str:
    """Escape member-written text so it shows as written: no markup, mention or link mask.

    Links in the text stay links, with the characters that could break out of them
    percent-encoded; direction overrides and control characters are dropped.
    """
    text = _clean(text)
    if "://" not in text:  # every link has it, most posts have none (issue 15)
        return _escape_plain(text)
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        parts.append(_escape_plain(text[last : match.start()]))
        parts.append(_escape_text_url(match.group()))
        last = match.end()
    parts.append(_escape_plain(text[last:]))
    return "".join(parts)


def plain(text: str) -> str:
    """Disarm mentions and masked links in text Discord shows as is (author, footer).

    Backslashes would show there, so a zero-width space breaks the syntax instead.
    """
    return disarm(one_line(text))


def disarm(line: str) -> str:
    """`plain` of text already on one line: `one_line`'s, shortened or put in brackets.

    Cleaning and folding such text again would change nothing, at a cost (issue 15).
    """
    # The syntax needs one of these in the text; most names have none, and a handle's "@"
    # matters only before "everyone" or "here" (issue 15).
    if "<" in line or "](" in line or ("@" in line and _MASS_MENTION.search(line)):
        return _PLAIN_SYNTAX.sub(ZERO_WIDTH_SPACE, line)
    return line


def one_line(text: str) -> str:
    """Return ``text`` cleaned and folded onto one line."""
    # str.split() splits on exactly the characters regex's \s matches (str.isspace).
    return " ".join(_clean(text).split())


def seal(escaped: str) -> str:
    r"""Keep a closing ``||`` or ``**`` whole: a zero-width space after a final ``\`` or ``|``.

    Discord's spoiler rule takes the first ``||`` it finds, so an escaped bar right
    before the closing bars would close the spoiler one character early.
    """
    return escaped + ZERO_WIDTH_SPACE if escaped.endswith(("\\", "|")) else escaped


def shorten(text: str, limit: int) -> str:
    """Return ``text`` cut to ``limit`` characters on a word, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    word = cut.rsplit(None, 1)[0] if " " in cut.strip() else cut[:-1]
    return word.rstrip()[: limit - len(ELLIPSIS)] + ELLIPSIS


def _ascii_host(host: str) -> str | None:
    """Return ``host`` as Discord takes it (IDNA-encoded), or None when it is no host."""
    if ":" in host:  # an IPv6 literal, already checked by urlsplit
        return f"[{host}]"
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_host.removesuffix(".").split(".")
    return ascii_host if all(_HOST_LABEL.fullmatch(label) for label in labels) else None


def name_markdown(name: str, limit: int = MAX_TITLE_HEADER) -> str:
    """Return a name (a title, an alias) on one line, shortened and escaped for a message."""
    return seal(escape(shorten(one_line(name), limit)))


def safe_url(url: str | None) -> str | None:
    """Return ``url`` as a link Discord accepts, else None.

    Discord refuses a whole message over one bad embed link (400 Invalid Form Body), so
    the link must be http(s) with a valid host (IDNA-encoded) and port, at most 2,048
    characters once percent-encoded (issue 12).
    """
    raw = (url or "").strip()
    if len(raw) <= MAX_URL and _PLAIN_URL.fullmatch(raw):
        return raw
    return _normalized_url(raw)


def _normalized_url(raw: str) -> str | None:
    """`safe_url` of any stripped link: parsed, its host IDNA-encoded, the rest quoted."""
    if not _HAS_HOST.match(raw):
        return None
    try:
        parts = urlsplit(raw)
        port = parts.port  # raises ValueError outside 0-65535
    except ValueError:
        return None
    host = _ascii_host(parts.hostname or "")
    if host is None or port == 0:
        return None
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (f"{userinfo}@" if userinfo else "") + host + (f":{port}" if port else "")
    encoded = quote(urlunsplit(parts._replace(netloc=netloc)), safe=_URL_SAFE)
    return encoded if len(encoded) <= MAX_URL else None


def link_target(url: str) -> str:
    """Percent-encode what could end a masked link's target or start markup in it."""
    return _replace_each(url, _LINK_UNSAFE_CODES)
