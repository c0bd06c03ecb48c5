"""Discord API v10 payload limits, checked on everything the bot sends to the fake."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
AUTHOR_NAME_MAX = 256
FOOTER_TEXT_MAX = 2048
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
CUSTOM_ID_MAX = 100
ACTION_ROWS_MAX = 5
ROW_WIDTH_MAX = 5
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
# Text input, label and file upload limits (https://discord.com/developers/docs/components/reference#text-input,
# #label, #file-upload).
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_PLACEHOLDER_MAX = 100
TEXT_INPUT_VALUE_MAX = 4000
LABEL_TEXT_MAX = 45
LABEL_DESCRIPTION_MAX = 100
# Embed URLs Discord checks (https://discord.com/developers/docs/resources/message#embed-object);
# images may also name an uploaded file as ``attachment://name``.
LINK_SCHEMES = frozenset({"http", "https"})
IMAGE_SCHEMES = LINK_SCHEMES | {"attachment"}
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
COMMAND_DESCRIPTION_MAX = 100
OPTIONS_MAX = 25

# Interaction callback types (https://discord.com/developers/docs/interactions/receiving-and-responding).
MESSAGE_CALLBACKS = frozenset({4, 7})
KNOWN_CALLBACKS = frozenset({1, 4, 5, 6, 7, 8, 9})


@dataclass(frozen=True)
class Problem:
    """One broken rule: ``rule`` is a stable id for tests, ``detail`` is for people."""

    rule: str
    detail: str


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def _too_long(rule: str, path: str, value: Any, limit: int) -> Iterator[Problem]:
    if _length(value) > limit:
        yield Problem(rule, f"{path} is {_length(value)} characters (limit {limit})")


def embed_characters(embed: Mapping[str, Any]) -> int:
    """Count the characters Discord sums towards the 6,000 per-message embed budget."""
    total = _length(embed.get("title")) + _length(embed.get("description"))
    total += _length((embed.get("footer") or {}).get("text"))
    total += _length((embed.get("author") or {}).get("name"))
    for item in embed.get("fields") or []:
        total += _length(item.get("name")) + _length(item.get("value"))
    return total


def url_problem(value: Any, schemes: frozenset[str] = LINK_SCHEMES) -> str | None:
    """Say why Discord would refuse ``value`` as an embed URL, or None when it is well formed.

    Discord answers 400 Invalid Form Body ("Not a well formed URL." / "Scheme ... is not
    supported") for the whole message when any embed URL is bad.
    """
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return "is not a well formed URL"
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError outside 0..65535
    except ValueError:
        return "is not a well formed URL (bad port or host)"
    if parts.scheme.lower() not in schemes:
        return f"has scheme {parts.scheme!r}; it must be one of {sorted(schemes)}"
    if parts.scheme != "attachment" and (not parts.hostname or port == 0):
        return "is not a well formed URL (no host)"
    return None


def _url_fields(embed: Mapping[str, Any]) -> Iterator[tuple[str, Any, frozenset[str]]]:
    if "url" in embed:
        yield "url", embed["url"], LINK_SCHEMES
    for part, key, schemes in (
        ("author", "url", LINK_SCHEMES),
        ("author", "icon_url", IMAGE_SCHEMES),
        ("footer", "icon_url", IMAGE_SCHEMES),
        ("image", "url", IMAGE_SCHEMES),
        ("thumbnail", "url", IMAGE_SCHEMES),
    ):
        holder = embed.get(part)
        if isinstance(holder, Mapping) and key in holder:
            yield f"{part}.{key}", holder[key], schemes


def _embed_problems(embed: Mapping[str, Any], path: str) -> Iterator[Problem]:
    for where, value, schemes in _url_fields(embed):
        reason = url_problem(value, schemes)
        if reason is not None:
            yield Problem("embed.url", f"{path}.{where} {value!r} {reason}")
    yield from _too_long("embed.title", f"{path}.title", embed.get("title"), TITLE_MAX)
    yield from _too_long(
        "embed.description", f"{path}.description", embed.get("description"), DESCRIPTION_MAX
    )
    author = embed.get("author") or {}
    yield from _too_long("embed.author", f"{path}.author.name", author.get("name"), AUTHOR_NAME_MAX)
    footer = embed.get("footer") or {}
    yield from _too_long("embed.footer", f"{path}.footer.text", footer.get("text"), FOOTER_TEXT_MAX)
    fields = embed.get("fields") or []
    if len(fields) > FIELDS_MAX:
        yield Problem(
            "embed.fields", f"{path}.fields has {len(fields)} fields (limit {FIELDS_MAX})"
        )
    for index, item in enumerate(fields):
        where = f"{path}.fields[{index}]"
        yield from _too_long("embed.field.name", f"{where}.name", item.get("name"), FIELD_NAME_MAX)
        yield from _too_long(
            "embed.field.value", f"{where}.value", item.get("value"), FIELD_VALUE_MAX
        )


def _walk_components(components: Sequence[Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for index, component in enumerate(components):
        where = f"{path}[{index}]"
        yield where, component
        yield from _walk_components(component.get("components") or [], f"{where}.components")
        for key in ("component", "accessory"):
            if isinstance(component.get(key), dict):
                yield from _walk_components([component[key]], f"{where}.{key}")


def component_problems(components: Sequence[Any], path: str = "components") -> Iterator[Problem]:
    """Check action rows, buttons, select menus and every ``custom_id``."""
    # Layout limits apply to classic messages (top level made of action rows); components v2
    # layouts have other rules, so only the per-item checks below run for them.
    if all(c.get("type") == 1 for c in components):
        if len(components) > ACTION_ROWS_MAX:
            yield Problem(
                "components.rows", f"{path} has {len(components)} rows (limit {ACTION_ROWS_MAX})"
            )
        for index, row in enumerate(components):
            children = row.get("components") or []
            if len(children) > ROW_WIDTH_MAX:
                yield Problem(
                    "components.row_width",
                    f"{path}[{index}] has {len(children)} items (limit {ROW_WIDTH_MAX})",
                )
            if len(children) > 1 and any(c.get("type") in {3, 5, 6, 7, 8} for c in children):
                yield Problem("components.select", f"{path}[{index}]: a select must be alone")
    for where, component in _walk_components(components, path):
        yield from _too_long(
            "custom_id", f"{where}.custom_id", component.get("custom_id"), CUSTOM_ID_MAX
        )
        if component.get("type") == 2:
            yield from _too_long(
                "button.label", f"{where}.label", component.get("label"), BUTTON_LABEL_MAX
            )
            is_link = component.get("style") in {5, 6}
            if not is_link and not component.get("custom_id"):
                yield Problem("custom_id", f"{where} is a non-link button without a custom_id")
        options = component.get("options") or []
        if component.get("type") == 3 and len(options) > SELECT_OPTIONS_MAX:
            yield Problem("select.options", f"{where} has {len(options)} options (limit 25)")


def message_problems(body: Mapping[str, Any]) -> list[Problem]:
    """Return Discord's message limits that ``body`` (a create or edit payload) breaks."""
    problems = list(_too_long("content", "content", body.get("content"), CONTENT_MAX))
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS_MAX:
        problems.append(Problem("embeds.count", f"{len(embeds)} embeds (limit {EMBEDS_MAX})"))
    for index, embed in enumerate(embeds):
        problems.extend(_embed_problems(embed, f"embeds[{index}]"))
    total = sum(embed_characters(e) for e in embeds)
    if total > EMBED_TOTAL_MAX:
        problems.append(
            Problem("embeds.total", f"embeds hold {total} characters (limit {EMBED_TOTAL_MAX})")
        )
    problems.extend(component_problems(body.get("components") or []))
    return problems


def mention_problems(body: Mapping[str, Any]) -> list[Problem]:
    """Check the project's no-mentions rule: ``allowed_mentions`` present, nothing allowed."""
    mentions = body.get("allowed_mentions")
    if not isinstance(mentions, Mapping):
        return [Problem("allowed_mentions", "allowed_mentions is missing (must allow nothing)")]
    allowed = [key for key in ("users", "roles") if mentions.get(key)]
    if mentions.get("parse"):
        allowed.append(f"parse={mentions['parse']}")
    if mentions.get("replied_user"):
        allowed.append("replied_user")
    if allowed:
        return [Problem("allowed_mentions", f"allowed_mentions allows {', '.join(allowed)}")]
    return []


def is_empty_message(body: Mapping[str, Any], files: int = 0) -> bool:
    """Tell whether a create payload has nothing to show (Discord error 50006)."""
    keys = ("content", "embeds", "components", "sticker_ids", "poll", "attachments")
    return not files and not any(body.get(key) for key in keys)


def choice_problems(choices: Sequence[Mapping[str, Any]], path: str = "choices") -> list[Problem]:
    """Check an autocomplete result or a command option's fixed choices."""
    problems = []
    if len(choices) > CHOICES_MAX:
        problems.append(Problem("choices.count", f"{len(choices)} {path} (limit {CHOICES_MAX})"))
    for index, choice in enumerate(choices):
        where = f"{path}[{index}]"
        name = choice.get("name")
        if not isinstance(name, str) or not name:
            problems.append(Problem("choice.name", f"{where}.name is empty"))
        problems.extend(_too_long("choice.name", f"{where}.name", name, CHOICE_NAME_MAX))
        problems.extend(
            _too_long("choice.value", f"{where}.value", choice.get("value"), CHOICE_VALUE_MAX)
        )
    return problems


def modal_problems(data: Mapping[str, Any]) -> list[Problem]:
    """Check a modal (interaction callback type 9)."""
    problems = list(_too_long("custom_id", "custom_id", data.get("custom_id"), CUSTOM_ID_MAX))
    problems.extend(_too_long("modal.title", "title", data.get("title"), MODAL_TITLE_MAX))
    components = data.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        problems.append(Problem("modal.components", f"modal has {len(components)} components"))
    for where, component in _walk_components(components, "components"):
        problems.extend(
            _too_long("custom_id", f"{where}.custom_id", component.get("custom_id"), CUSTOM_ID_MAX)
        )
        if component.get("type") == 4:
            problems.extend(_text_input_problems(component, where))
        if component.get("type") == 19:
            problems.extend(_file_upload_problems(component, where))
        if component.get("type") == 18:
            problems.extend(
                _too_long("modal.label", f"{where}.label", component.get("label"), LABEL_TEXT_MAX)
            )
            problems.extend(
                _too_long(
                    "modal.label",
                    f"{where}.description",
                    component.get("description"),
                    LABEL_DESCRIPTION_MAX,
                )
            )
    return problems


def _file_upload_problems(component: Mapping[str, Any], where: str) -> Iterator[Problem]:
    """Check a file upload: ``min_values`` 0-10, ``max_values`` 1-10 (docs: File Upload)."""
    low, high = component.get("min_values"), component.get("max_values")
    if low is not None and not 0 <= low <= 10:
        yield Problem("file_upload", f"{where}.min_values {low} is outside 0..10")
    if high is not None and not 1 <= high <= 10:
        yield Problem("file_upload", f"{where}.max_values {high} is outside 1..10")


def _text_input_problems(component: Mapping[str, Any], where: str) -> Iterator[Problem]:
    """Check a text input: label 45, placeholder 100, value 4,000, min 0-4,000, max 1-4,000."""
    yield from _too_long(
        "text_input", f"{where}.label", component.get("label"), TEXT_INPUT_LABEL_MAX
    )
    yield from _too_long(
        "text_input",
        f"{where}.placeholder",
        component.get("placeholder"),
        TEXT_INPUT_PLACEHOLDER_MAX,
    )
    yield from _too_long(
        "text_input", f"{where}.value", component.get("value"), TEXT_INPUT_VALUE_MAX
    )
    low, high = component.get("min_length"), component.get("max_length")
    if low is not None and not 0 <= low <= TEXT_INPUT_VALUE_MAX:
        yield Problem("text_input", f"{where}.min_length {low} is outside 0..4000")
    if high is not None and not 1 <= high <= TEXT_INPUT_VALUE_MAX:
        yield Problem("text_input", f"{where}.max_length {high} is outside 1..4000")
    if low is not None and high is not None and low > high:
        yield Problem("text_input", f"{where}.min_length {low} exceeds max_length {high}")


def callback_problems(body: Mapping[str, Any]) -> list[Problem]:
    """Check an interaction callback body of any type."""
    kind = body.get("type")
    data = body.get("data") or {}
    if kind not in KNOWN_CALLBACKS:
        return [Problem("callback.type", f"unknown interaction callback type {kind!r}")]
    if kind in MESSAGE_CALLBACKS:
        return message_problems(data)
    if kind == 8:
        return choice_problems(data.get("choices") or [])
    if kind == 9:
        return modal_problems(data)
    return []


def _option_problems(options: Sequence[Mapping[str, Any]], path: str) -> Iterator[Problem]:
    if len(options) > OPTIONS_MAX:
        yield Problem("command.options", f"{path} has {len(options)} options (limit 25)")
    seen_optional = False
    for index, option in enumerate(options):
        where = f"{path}[{index}]"
        yield from _name_problems(option, where)
        if option.get("type") in {1, 2}:
            yield from _option_problems(option.get("options") or [], f"{where}.options")
            continue
        if option.get("required") and seen_optional:
            yield Problem("command.options", f"{where} is required after an optional option")
        seen_optional = seen_optional or not option.get("required")
        yield from choice_problems(option.get("choices") or [], f"{where}.choices")


def _name_problems(item: Mapping[str, Any], path: str) -> Iterator[Problem]:
    name = item.get("name") or ""
    if not COMMAND_NAME.match(name) or name != name.lower():
        yield Problem("command.name", f"{path}.name {name!r} is not a valid command name")
    description = item.get("description") or ""
    if not 1 <= len(description) <= COMMAND_DESCRIPTION_MAX:
        yield Problem("command.description", f"{path}.description is {len(description)} chars")


def command_problems(commands: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """Check a bulk command overwrite the way Discord's form validation does."""
    problems: list[Problem] = []
    names: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        where = f"commands[{index}]"
        kind = command.get("type", 1)
        key = (kind, command.get("name", ""))
        if key in names:
            problems.append(Problem("command.duplicate", f"{where} duplicates {key[1]!r}"))
        names.add(key)
        if kind == 1:
            problems.extend(_name_problems(command, where))
            problems.extend(_option_problems(command.get("options") or [], f"{where}.options"))
    return problems
