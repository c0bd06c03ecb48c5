"""Reading form fields and query parameters: bounded, typed, never trusted further."""

from __future__ import annotations

import re

from aiohttp import web
from multidict import MultiDictProxy

MAX_FIELD = 10_000
MAX_IDS = 200
_LOCAL_PATH = re.compile(r"^/g/\d{1,20}(/[A-Za-z0-9_\-/]*)?(\?[A-Za-z0-9_\-=&%+.]*)?$")

Form = MultiDictProxy[str | bytes | bytearray | web.FileField]


def text(form: Form, name: str, limit: int = MAX_FIELD) -> str:
    """Return a text field (empty when missing or not text), cut to ``limit``."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def query_text(request: web.Request, name: str, limit: int) -> str:
    """Return a query-string parameter, cut to ``limit``."""
    return request.query.get(name, "")[:limit]


def ids(form: Form, name: str) -> list[int]:
    """Return the distinct positive ids a field holds (checkboxes), at most `MAX_IDS`."""
    found: list[int] = []
    for value in form.getall(name, []):
        if isinstance(value, str) and value.isdigit() and len(value) < 20:
            number = int(value)
            if number > 0 and number not in found:
                found.append(number)
    return found[:MAX_IDS]


def page_number(request: web.Request, name: str = "page") -> int:
    """Return the page asked for in the query string (1 when missing or not a number)."""
    raw = request.query.get(name, "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() and len(raw) < 7 else 1


def back_to(form: Form, guild_id: int, default: str) -> str:
    """Return where to go after a change: a page of the same server, never elsewhere."""
    target = text(form, "back", 500)
    prefix = f"/g/{guild_id}"
    if _LOCAL_PATH.match(target) and (target == prefix or target.startswith(prefix + "/")):
        return target
    return default
