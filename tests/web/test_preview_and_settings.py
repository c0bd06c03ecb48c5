"""The Discord payload as HTML, and the panel's settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from bot.discord_ui.render import reaction_embed
from bot.domain.records import Movie, StoredReaction
from bot.web.preview import embed_view, markdown_html, pager_row

MOVIE = Movie(1, "Moonlit <b>Harbour</b>", "moonlitharbour")


def stored(text: str, url: str | None = "https://x.com/a/status/1") -> StoredReaction:
    return StoredReaction(
        id=7,
        movie_id=1,
        platform="twitter",
        text=text,
        author_name="<img src=x onerror=alert(1)>",
        handle="fan",
        date="2024-01-02",
        url=url,
        spoiler=True,
    )


def test_a_reaction_full_of_markup_renders_as_text_behind_one_spoiler() -> None:
    text = "<script>alert(1)</script> ||out|| **bold** [x](javascript:alert(1)) @everyone"
    embed = reaction_embed(stored(text), movie=MOVIE, number=1, total=3, spoiler=True)
    view = embed_view(embed.to_dict())  # type: ignore[arg-type]
    html = str(view.description)
    assert html.startswith('<span class="spoiler"')
    assert html.count("<span") == 1
    assert html.endswith("</span>")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "||out||" in html  # the bars shown as written, not a second spoiler
    assert "<strong>" not in html
    assert 'href="javascript' not in html
    assert view.author.startswith("<img")  # plain text: the template escapes it
    assert "Moonlit <b>Harbour</b> · 1 of 3" in view.footer


def test_a_link_right_before_the_closing_bars_keeps_the_spoiler_whole() -> None:
    html = str(markdown_html("||see https://t.co/abc||"))
    assert html.endswith('">https://t.co/abc</a></span>')


def test_only_http_links_become_anchors() -> None:
    assert "<a " not in str(markdown_html("[click](data:text/html,hi)"))
    assert 'href="https://a.example/x?y=1&amp;z=2"' in str(
        markdown_html("[Read](https://a.example/x?y=1&z=2)")
    )


def test_unbalanced_markup_is_closed() -> None:
    assert str(markdown_html("||open **bold")) == (
        '<span class="spoiler" tabindex="0" title="Spoiler: click to show">open '
        "<strong>bold</strong></span>"
    )


def test_the_pager_row_is_shown_like_the_bots_buttons() -> None:
    assert pager_row(1, 1) is None
    row = pager_row(1, 3)
    assert row is not None
    assert (row.previous, row.next) == (None, 2)
    last = pager_row(3, 3)
    assert last is not None
    assert (last.previous, last.next) == (2, None)


def test_the_panel_is_off_without_web_listen() -> None:
    assert Settings.from_env({"DISCORD_CLIENT_SECRET": "x"}).web is None


def test_web_settings_default_the_public_url_and_secure_cookies_follow_https() -> None:
    web = Settings.from_env({"WEB_LISTEN": "127.0.0.1:8080"}).web
    assert web is not None
    assert (web.host, web.port, web.public_url) == ("127.0.0.1", 8080, "http://127.0.0.1:8080")
    assert web.redirect_uri == "http://127.0.0.1:8080/auth/callback"
    assert web.secure is False
    assert web.authorize_url == "https://discord.com/oauth2/authorize"
    proxied = Settings.from_env(
        {"WEB_LISTEN": "[::1]:80", "WEB_PUBLIC_URL": "https://reel.example.org/"}
    ).web
    assert proxied is not None
    assert proxied.host == "::1"
    assert proxied.secure is True
    assert proxied.redirect_uri == "https://reel.example.org/auth/callback"


def test_secrets_do_not_show_in_the_settings_repr() -> None:
    settings = Settings.from_env(
        {
            "WEB_LISTEN": "127.0.0.1:8080",
            "DISCORD_CLIENT_SECRET": "s3cr3t",
            "WEB_SESSION_SECRET": "k3y",
        }
    )
    assert "s3cr3t" not in repr(settings)
    assert "k3y" not in repr(settings)


@pytest.mark.parametrize("listen", ["8080", "localhost:", "host:99999", ":80", "host:http"])
def test_a_bad_web_listen_is_refused_with_its_name(listen: str) -> None:
    with pytest.raises(ConfigError, match="WEB_LISTEN"):
        Settings.from_env({"WEB_LISTEN": listen})


def test_a_public_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(ConfigError, match="WEB_PUBLIC_URL"):
        Settings.from_env({"WEB_LISTEN": "127.0.0.1:8080", "WEB_PUBLIC_URL": "reel.example.org"})


@pytest.mark.parametrize("command", ["web", "run"])
def test_the_panel_without_its_secrets_says_which_is_missing(tmp_path: Path, command: str) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "WEB_LISTEN": "127.0.0.1:1",
        "DISCORD_TOKEN": "dummy",
        "DATABASE_PATH": str(tmp_path / "reel.db"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3
    assert done.stderr.strip() == ("DISCORD_CLIENT_SECRET is not set: the panel's log-in needs it.")
