"""Turn an article's bytes into text: BOM, the server's charset, the page's declared one."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from bot.domain.errors import ParseError

__all__ = ["ASCII_SUPERSETS", "Decoded", "decode_bytes"]

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
# Encodings (as codecs.lookup names them) that read every byte below 0x80 as that ASCII
# character, whatever comes before it: no shift states (unlike ISO-2022 or UTF-7), no
# remapped "\\" or "~" (unlike Shift_JIS-2004). Pure-ASCII input reads the same in all of
# them, and is its own UTF-8.
ASCII_SUPERSETS = frozenset(
    {"ascii", "utf-8", "koi8-r", "koi8-u", "mac-roman", "cp874", "tis-620"}
    | {f"cp{number}" for number in range(1250, 1259)}
    | {f"iso8859-{number}" for number in (*range(1, 12), 13, 14, 15, 16)}
    | {"euc_jp", "shift_jis", "cp932", "euc_kr", "cp949", "gb2312", "gbk", "gb18030"}
    | {"big5", "big5hkscs", "cp950"}
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


@dataclass(frozen=True, slots=True)
class Decoded:
    """A document's text, and its UTF-8 bytes when the input already was exactly those."""

    text: str
    utf8: bytes | None = None


def decode_bytes(data: bytes, charset: str | None = None) -> Decoded:
    """Decode ``data``: BOM first, then ``charset``, then a ``<meta charset>``, then UTF-8.

    A document that is not valid in any of these but is mostly printable is decoded
    with replacement characters; binary data (NUL bytes, mostly control bytes) raises
    `ParseError`. Input read as strict UTF-8 (or pure ASCII in an encoding that reads it
    as such) comes back as its own ``utf8``: it is what the text encodes to (the codec
    refuses surrogates), so it need not be encoded again.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(name, errors="replace"))
    if b"\x00" in data[:8192]:
        raise ParseError("the file is not text (it contains NUL bytes)")
    declared = _known(charset)
    if declared is None and (match := _META_CHARSET.search(data[:4096])):
        declared = _known(match[1].decode("ascii"))
    if (declared or "utf-8") in ASCII_SUPERSETS and data.isascii():
        return Decoded(data.decode("ascii"), data)
    for name in (declared or "utf-8", "utf-8"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        return Decoded(text, data if name == "utf-8" else None)
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(16, len(text) // 20):
        raise ParseError("the file is not text in any encoding I can read")
    return Decoded(text)
