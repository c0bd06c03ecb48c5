"""Pure-ASCII input is read as ASCII, not by the declared codec, only where that is the same."""

from __future__ import annotations

import codecs

import pytest

from bot.parsing.decode import ASCII_SUPERSETS, decode_bytes

ASCII = bytes(range(1, 128))


@pytest.mark.parametrize("name", sorted(ASCII_SUPERSETS))
def test_every_listed_encoding_reads_ascii_as_ascii(name: str) -> None:
    assert codecs.lookup(name).name == name
    assert ASCII.decode(name) == ASCII.decode("ascii")
    # Byte by byte too: no byte below 0x80 starts a sequence that swallows the next.
    assert all(bytes([byte]).decode(name) == chr(byte) for byte in ASCII)


@pytest.mark.parametrize("charset", ["EUC-JP", "Shift_JIS", "windows-1252", "ISO-8859-1", None])
def test_ascii_declared_in_an_ascii_superset_is_its_own_utf8(charset: str | None) -> None:
    data = b"<html><body><p>Caf&eacute; ~ \\ yen</p></body></html>"
    decoded = decode_bytes(data, charset)
    assert decoded.text == data.decode(charset or "utf-8")
    assert decoded.utf8 is data


@pytest.mark.parametrize(
    ("charset", "data"),
    [
        ("utf-7", b"<p>a+AGE-b</p>"),
        ("utf-16", b"<p>abc</p>"),
        ("iso2022_jp", b'<p>\x1b$B$"\x1b(B</p>'),
        ("shift_jis_2004", b"<p>~ \\</p>"),
    ],
)
def test_other_encodings_still_read_ascii_input_their_own_way(charset: str, data: bytes) -> None:
    decoded = decode_bytes(data, charset)

    assert decoded.text == data.decode(charset) != data.decode("ascii")
    assert decoded.utf8 is None
