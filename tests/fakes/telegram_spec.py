"""Checks Bot API requests against the machine-readable description ``api-10.0.json``.

The JSON gives methods, fields, declared types and required flags; limits that Telegram states
only in prose (``1-4096 characters``, ``1-64 bytes``, "Exactly one of the fields ...", "must be
one of ...") are read from the same descriptions, so a new API version updates the checker too.
A few rules that no regular expression can find are listed in ``_PATTERNS`` and
``_CHAT_ACTIONS``; the loader asserts their wording is still in the JSON.

Wire leniency, as on the real server: a *top-level* parameter may arrive as a string that parses
as its declared type (form bodies carry only strings; PTB JSON-encodes ints, bools and objects).
Inside nested objects, which are JSON, types are checked strictly.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiohttp import web

from .wire import UploadedFile, read_params

SCALARS = frozenset({"Integer", "String", "Boolean", "Float"})
ARRAY = "Array of "
PARSE_MODES = ("HTML", "Markdown", "MarkdownV2")
# sendChatAction.action: the values are named in running prose, so they are listed here.
_CHAT_ACTIONS = (
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
)
# (owner, field) -> (regex the value must match, the phrase in the description that states it)
_PATTERNS = {
    ("BotCommand", "command"): (r"[a-z0-9_]+", "only lowercase English letters, digits and underscores"),
    ("setWebhook", "secret_token"): (r"[A-Za-z0-9_-]+", "Only characters A-Z, a-z, 0-9, _ and - are allowed"),
}
# Updates that are not sent unless asked for by name in allowed_updates (getUpdates docs).
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# The error texts real Telegram gives for the prose limits clients hit most; others are generic.
_KNOWN_LIMIT_ERRORS = {
    ("text", "long"): "message is too long",
    ("text", "short"): "message text is empty",
    ("message_text", "short"): "message text is empty",
    ("caption", "long"): "message caption is too long",
    ("callback_data", "long"): "BUTTON_DATA_INVALID",
    ("callback_data", "short"): "BUTTON_DATA_INVALID",
}
_LENGTH = re.compile(r"(\d+)-(\d+) (characters|bytes)")
_CONSTANT = re.compile(r"(?:must be|always) \"?([a-z_]+)\"?$")
_ONE_OF_FIELDS = re.compile(r"(Exactly|At most) one of the fields other than (.+?) must be used")
_ENUM = re.compile(r"[Mm]ust be one of ([^.]*)")


SPEC_PATH = Path(__file__).resolve().parents[1] / "data/telegram-bot-api/api-10.0.json"


@functools.cache
def load_spec() -> dict[str, Any]:
    """Read ``api-10.0.json`` once and make sure the hand-written rules still match its prose."""
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    for (owner, name), (_, phrase) in _PATTERNS.items():
        assert phrase in _field(spec, owner, name)["description"], (owner, name, phrase)
    action = _field(spec, "sendChatAction", "action")["description"]
    assert all(word in action for word in _CHAT_ACTIONS), "sendChatAction wording changed"
    return spec


def _field(spec: dict[str, Any], owner: str, name: str) -> dict[str, Any]:
    table = spec["methods"] if owner[0].islower() else spec["types"]
    return next(f for f in table[owner]["fields"] if f["name"] == name)


@functools.cache
def _methods_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in load_spec()["methods"]}


def canonical_method(name: str) -> str | None:
    """The spec's spelling of ``name``; Bot API method names are case-insensitive."""
    return _methods_by_lower_name().get(name.lower())


def method_fields(method: str) -> dict[str, dict[str, Any]]:
    """Field descriptions of a (canonical) method, by name."""
    return {f["name"]: f for f in load_spec()["methods"][method].get("fields", [])}


# --------------------------------------------------------------------------- decoding the request


async def decode_request(request: web.Request) -> dict[str, Any]:
    """Parameters of a Bot API request, with JSON-encoded objects and arrays turned back into values.

    PTB sends form fields in which every object or array is JSON text; files arrive as multipart
    parts, either under the parameter's own name or referenced as ``attach://<part>``. The method
    name is taken from the route (``/bot{token}/{method}``) to know which fields hold JSON.
    """
    params = await read_params(request)
    method = canonical_method(request.match_info.get("method", ""))
    if method is None:
        return params
    return resolve_wire_values(method, params)


def resolve_wire_values(method: str, params: dict[str, Any]) -> dict[str, Any]:
    """Decode JSON text in object/array-typed fields and attach uploaded parts to their fields."""
    fields = method_fields(method)
    decoded = {
        name: _decode_json_field(value, fields[name]["types"]) if name in fields else value
        for name, value in params.items()
    }
    return _attach_files(decoded, fields)


def _decode_json_field(value: Any, types: list[str]) -> Any:
    """Parse ``value`` as JSON when the field is an object or array; leave it for the checker if bad."""
    if not isinstance(value, str) or not all(_is_structured(t) for t in types):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _is_structured(type_name: str) -> bool:
    return type_name not in SCALARS and type_name != "InputFile"


def _attach_files(params: dict[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """Replace ``attach://name`` in InputFile fields by the part ``name``; drop parts used that way."""
    referenced = {ref[len("attach://") :] for ref in _strings_in(params) if ref.startswith("attach://")}
    result = {}
    for name, value in params.items():
        if isinstance(value, UploadedFile) and value.field in referenced:
            continue
        if isinstance(value, str) and value.startswith("attach://") and name in fields:
            part = params.get(value[len("attach://") :])
            if isinstance(part, UploadedFile) and "InputFile" in fields[name]["types"]:
                value = part
        result[name] = value
    return result


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings_in(v)]
    return []


# --------------------------------------------------------------------------- checking


def check_request(method: str, params: Mapping[str, Any]) -> list[str]:
    """Every way ``params`` break the Bot API description of ``method``; ``[]`` when the call is valid."""
    canonical = canonical_method(method)
    if canonical is None:
        return [f"unknown method {method!r}"]
    fields = method_fields(canonical)
    problems = [f"{canonical}: unknown parameter {name!r}" for name in params if name not in fields]
    for name, spec_field in fields.items():
        path = f"{canonical}.{name}"
        if name not in params:
            if spec_field["required"]:
                problems.append(f"{path}: required parameter is missing")
            continue
        problems += _check_field(canonical, spec_field, params[name], params, path, wire=True)
    return problems + _method_rules(canonical, params)


def check_object(value: Any, types: list[str], path: str) -> list[str]:
    """Strict check of a JSON value against declared types, e.g. ``["Update"]`` (no wire leniency)."""
    return _check_value(value, types, path)


def _check_field(
    owner: str, spec_field: dict[str, Any], value: Any, siblings: Mapping[str, Any], path: str, *, wire: bool
) -> list[str]:
    """Type check, then the prose rules of the field's description (only once the type is right)."""
    problems = _check_value(value, spec_field["types"], path, wire=wire)
    if problems or not isinstance(value, str):
        return problems
    return _prose_rules(owner, spec_field, value, siblings, path)


def _check_value(value: Any, types: list[str], path: str, *, wire: bool = False) -> list[str]:
    """``[]`` if ``value`` matches any of ``types``, else the problems of the closest match."""
    attempts = [_check_type(value, t, path, wire) for t in types]
    if any(not problems for problems in attempts):
        return []
    if len(types) == 1:
        return attempts[0]
    if _all_scalar(types):
        return [f"{path}: expected {' or '.join(types)}, got {_describe(value)}"]
    return attempts[_closest_type(value, types, attempts)]


def _closest_type(value: Any, types: list[str], attempts: list[list[str]]) -> int:
    """Index of the declared type the caller most likely meant: most shared keys, then fewest problems."""

    def shared_keys(type_name: str) -> int:
        definition = load_spec()["types"].get(type_name, {})
        names = {f["name"] for f in definition.get("fields", [])}
        return len(names & set(value)) if isinstance(value, dict) else 0

    return min(range(len(types)), key=lambda i: (-shared_keys(types[i]), len(attempts[i])))


def _all_scalar(types: list[str]) -> bool:
    return all(t in SCALARS or t == "InputFile" for t in types)


def _check_type(value: Any, type_name: str, path: str, wire: bool) -> list[str]:
    if type_name.startswith(ARRAY):
        return _check_array(value, type_name[len(ARRAY) :], path)
    if type_name in SCALARS or type_name == "InputFile":
        ok = _scalar_matches(value, type_name, wire)
        return [] if ok else [f"{path}: expected {type_name}, got {_describe(value)}"]
    return _check_object(value, type_name, path)


def _scalar_matches(value: Any, type_name: str, wire: bool) -> bool:
    """Native JSON types always; top-level strings also when they parse as the declared type."""
    if type_name == "String":
        return isinstance(value, str)
    if type_name == "InputFile":
        return isinstance(value, UploadedFile)
    if type_name == "Boolean":
        return isinstance(value, bool) or (wire and value in ("true", "false"))
    if isinstance(value, bool):
        return False
    if type_name == "Integer":
        return isinstance(value, int) or (
            wire and isinstance(value, str) and re.fullmatch(r"-?\d+", value) is not None
        )
    return isinstance(value, int | float) or (wire and isinstance(value, str) and _parses_as_float(value))


def _parses_as_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip().lower() not in ("nan", "inf", "-inf", "infinity", "-infinity")


def _describe(value: Any) -> str:
    if isinstance(value, UploadedFile):
        return f"an uploaded file {value.filename!r}"
    text = repr(value)
    return f"{type(value).__name__} {text[:60]}{'…' if len(text) > 60 else ''}"


def _check_array(value: Any, item_type: str, path: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{path}: expected Array of {item_type}, got {_describe(value)}"]
    return [p for i, item in enumerate(value) for p in _check_value(item, [item_type], f"{path}[{i}]")]


def _check_object(value: Any, type_name: str, path: str) -> list[str]:
    """Objects by their type definition; abstract types (with subtypes) by their discriminator."""
    definition = load_spec()["types"][type_name]
    if "subtypes" in definition:
        return _check_union(value, type_name, definition["subtypes"], path)
    if isinstance(value, str) and _string_allowed_for(definition):
        return []
    if not isinstance(value, dict):
        return [f"{path}: expected {type_name} object, got {_describe(value)}"]
    return _check_fields(value, type_name, definition.get("fields", []), path)


def _string_allowed_for(definition: dict[str, Any]) -> bool:
    """KeyboardButton: "String can be used instead of this object to specify the button text"."""
    return any("String can be used instead of this object" in s for s in definition.get("description", []))


def _check_fields(
    value: dict[str, Any], type_name: str, fields: list[dict[str, Any]], path: str
) -> list[str]:
    by_name = {f["name"]: f for f in fields}
    problems = [f"{path}: unknown field {k!r} for {type_name}" for k in value if k not in by_name]
    for name, spec_field in by_name.items():
        if name in value:
            problems += _check_field(type_name, spec_field, value[name], value, f"{path}.{name}", wire=False)
        elif spec_field["required"]:
            problems.append(f"{path}: {type_name} requires field {name!r}")
    problems += _check_constant(value, fields, path)
    return problems + _one_of_rule(value, type_name, fields, path)


def _check_constant(value: dict[str, Any], fields: list[dict[str, Any]], path: str) -> list[str]:
    """Subtype discriminators: ``type`` "must be chat", ``status`` always "member", ..."""
    problems = []
    for spec_field in fields:
        match = _CONSTANT.search(spec_field["description"])
        name = spec_field["name"]
        if match and name in value and value[name] != match.group(1):
            problems.append(f"{path}.{name}: must be {match.group(1)!r}, got {value[name]!r}")
    return problems


def _check_union(value: Any, type_name: str, subtypes: list[str], path: str) -> list[str]:
    """Pick the subtype named by the discriminator field; without one, accept any subtype that fits."""
    if not isinstance(value, dict):
        return [f"{path}: expected {type_name} object, got {_describe(value)}"]
    chosen = [s for s in subtypes if _discriminator_matches(value, s)]
    if not chosen:
        return [f"{path}: no {type_name} subtype matches {_describe(value)}"]
    attempts = [_check_object(value, s, path) for s in chosen]
    return [] if any(not a for a in attempts) else min(attempts, key=len)


def _discriminator_matches(value: dict[str, Any], subtype: str) -> bool:
    fields = load_spec()["types"][subtype].get("fields", [])
    for spec_field in fields[:1]:
        match = _CONSTANT.search(spec_field["description"])
        if match:
            return value.get(spec_field["name"]) == match.group(1)
    return True


def _one_of_rule(value: dict[str, Any], type_name: str, fields: list[dict[str, Any]], path: str) -> list[str]:
    """ "Exactly/At most one of the fields other than text, ... must be used" (InlineKeyboardButton)."""
    description = " ".join(load_spec()["types"][type_name].get("description", []))
    match = _ONE_OF_FIELDS.search(description)
    if not match:
        return []
    exempt = set(re.findall(r"[a-z_]+", match.group(2))) - {"and"}
    used = sorted(f["name"] for f in fields if f["name"] in value and f["name"] not in exempt)
    if match.group(1) == "Exactly" and len(used) != 1:
        return [f"{path}: {type_name} needs exactly one of its action fields, got {used or 'none'}"]
    if match.group(1) == "At most" and len(used) > 1:
        return [f"{path}: {type_name} allows at most one of its action fields, got {used}"]
    return []


# --------------------------------------------------------------------------- prose rules


def _prose_rules(
    owner: str, spec_field: dict[str, Any], value: str, siblings: Mapping[str, Any], path: str
) -> list[str]:
    name, description = spec_field["name"], spec_field["description"]
    problems = _length_rule(name, description, value, siblings, path)
    pattern = _PATTERNS.get((owner, name))
    if pattern and not re.fullmatch(pattern[0], value):
        problems.append(f"{path}: {value!r} breaks the rule {pattern[1]!r}")
    allowed = _enum_values(description)
    if allowed and value not in allowed:
        problems.append(f"{path}: must be one of {allowed}, got {value!r}")
    return problems


def _length_rule(
    name: str, description: str, value: str, siblings: Mapping[str, Any], path: str
) -> list[str]:
    """``N-M characters`` / ``N-M bytes``; "after entities parsing" counts the visible text only."""
    match = _LENGTH.search(description)
    if not match:
        return []
    low, high, unit = int(match.group(1)), int(match.group(2)), match.group(3)
    if unit == "bytes":
        size = len(value.encode("utf-8"))
        short = size < low
    else:
        shown = (
            visible_text(value, siblings.get(_parse_mode_key(name)))
            if "entities parsing" in description
            else value
        )
        size = len(shown)
        # Telegram trims surrounding whitespace: a blank text is "empty", not 1 character.
        short = len(shown.strip()) < low
    if not short and size <= high:
        return []
    # The named errors belong to message texts and button data, not e.g. answerCallbackQuery.text.
    named = "entities parsing" in description or name == "callback_data"
    known = _KNOWN_LIMIT_ERRORS.get((name, "short" if short else "long"), "") if named else ""
    return [f"{path}: {known + ': ' if known else ''}{size} {unit}, allowed {low}-{high}"]


def _parse_mode_key(name: str) -> str:
    return "parse_mode" if name in ("text", "caption", "message_text") else f"{name}_parse_mode"


def _enum_values(description: str) -> list[str]:
    """Quoted choices after "must be one of", e.g. InlineKeyboardButton.style."""
    match = _ENUM.search(description)
    return re.findall(r"\"([^\"]+)\"", match.group(1)) if match else []


def visible_text(text: str, parse_mode: Any) -> str:
    """The text left after entity parsing (approximate: tags and markup characters removed)."""
    if parse_mode == "HTML":
        return html.unescape(re.sub(r"<[^>]*>", "", text))
    if parse_mode == "MarkdownV2":
        text = re.sub(r"\]\([^)]*\)", "]", text)
        return re.sub(r"\\(.)|[*_~|`\[\]]", lambda m: m.group(1) or "", text)
    if parse_mode == "Markdown":
        text = re.sub(r"\]\([^)]*\)", "]", text)
        return re.sub(r"[*_`\[\]]", "", text)
    return text


# --------------------------------------------------------------------------- per-method rules


def _method_rules(method: str, params: Mapping[str, Any]) -> list[str]:
    """Cross-field rules the descriptions state in prose for the methods this project uses."""
    problems = []
    for key in ("parse_mode", "caption_parse_mode", "quote_parse_mode"):
        if key in params and params[key] not in PARSE_MODES:
            problems.append(f"{method}.{key}: unsupported parse_mode {params[key]!r}")
    if method.startswith("editMessage") and "inline_message_id" not in params:
        if not ("chat_id" in params and "message_id" in params):
            problems.append(
                f"{method}: chat_id and message_id are required if inline_message_id is not specified"
            )
    if method == "sendChatAction" and params.get("action") not in _CHAT_ACTIONS:
        problems.append(f"{method}.action: wrong parameter action in request: {params.get('action')!r}")
    if method in ("getUpdates", "setWebhook") and isinstance(params.get("allowed_updates"), list):
        problems += _check_allowed_updates(method, params["allowed_updates"])
    if (
        method == "setMyCommands"
        and isinstance(params.get("commands"), list)
        and len(params["commands"]) > 100
    ):
        problems.append(f"{method}.commands: at most 100 commands can be specified")
    return problems


def update_kinds() -> list[str]:
    """The optional fields of Update, i.e. the names allowed_updates may list."""
    return [f["name"] for f in load_spec()["types"]["Update"]["fields"] if f["name"] != "update_id"]


def _check_allowed_updates(method: str, names: list[Any]) -> list[str]:
    kinds = update_kinds()
    return [f"{method}.allowed_updates: unknown update type {n!r}" for n in names if n not in kinds]
