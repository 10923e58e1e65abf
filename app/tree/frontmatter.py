"""YAML frontmatter that survives round trips.

Reading parses the block with PyYAML. Writing never re-serializes the whole block: only
the top-level keys Amber owns are replaced line by line, so unknown keys, comments, key
order and the user's quoting stay byte for byte.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any


@cache
def _loader() -> Any:
    """Safe loading where a date that does not exist ('2024-13-45') stays text. PyYAML is
    imported when a file is first parsed: commands that only query the index (recall)
    never pay for it."""
    import yaml

    try:  # the C loader is ~10x faster, which matters when reindexing 100k files
        from yaml import CSafeLoader as fast_loader
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        from yaml import SafeLoader as fast_loader  # type: ignore[assignment]

    def timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)

    loader = type("AmberLoader", (fast_loader,), {})
    loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp_or_text)
    return loader


FENCE = "---"
_KEY_LINE = re.compile(r"^([A-Za-z_][\w\-]*)\s*:")


class FrontmatterError(ValueError):
    """The frontmatter block is present but cannot be used."""


@dataclass(frozen=True)
class Document:
    frontmatter: str | None  # raw YAML between the fences, None when there is no block
    body: str
    newline: str = "\n"


def split(text: str) -> Document:
    """Separate the frontmatter block from the body; raise on an unterminated block."""
    newline = "\r\n" if "\r\n" in text[:2000] else "\n"
    stripped = text.removeprefix("\ufeff")
    lines = stripped.split(newline)
    if not lines or lines[0].rstrip() != FENCE:
        return Document(None, text, newline)
    for i in range(1, len(lines)):
        if lines[i].rstrip() in (FENCE, "..."):
            body = newline.join(lines[i + 1 :])
            return Document(newline.join(lines[1:i]), body, newline)
    raise FrontmatterError("frontmatter starts with '---' but has no closing '---'")


def parse(frontmatter: str) -> dict[str, object]:
    import yaml

    try:
        _refuse_aliases(frontmatter)
        data = yaml.load(frontmatter, Loader=_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise FrontmatterError(f"frontmatter is not valid YAML{where}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontmatterError("frontmatter must be a mapping of keys to values")
    return {str(k): _normalize(v) for k, v in data.items()}


def _refuse_aliases(frontmatter: str) -> None:
    """Aliases (*name) let a few lines expand to gigabytes ("billion laughs") or refer to
    themselves; nothing Amber or a person writes in frontmatter needs them."""
    if "*" not in frontmatter:  # the common case costs one scan for a character
        return
    import yaml

    for event in yaml.parse(frontmatter, Loader=_loader()):
        if isinstance(event, yaml.AliasEvent):
            raise FrontmatterError(
                f"frontmatter uses a YAML alias (*{event.anchor}); write the value out instead"
            )


def _normalize(value: object) -> object:
    """Dates come back as the ISO strings Amber wrote, not as datetime objects."""
    if isinstance(value, datetime):
        text = value.isoformat()
        return text.replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    return value


def render_value(value: object) -> str:
    """One YAML value on one line: plain when that reads back the same, else quoted."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_render_item(v) for v in value) + "]"
    return _render_item(value)


def _render_item(value: object) -> str:
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    text = str(value)
    if _reads_back(text, text) or is_timestamp(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _reads_back(candidate: str, expected: str) -> bool:
    if not candidate or candidate != candidate.strip() or any(c in candidate for c in ",[]{}"):
        return False
    import yaml

    try:
        return yaml.load(f"k: {candidate}", Loader=_loader()) == {"k": expected}
    except yaml.YAMLError:
        return False


_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?$"
)


def is_timestamp(text: str) -> bool:
    """Shaped like a month, date or time (2023-05, 2023-05-08T10:00Z); not checked further."""
    return bool(_TIMESTAMP.match(text))


def set_fields(frontmatter: str, updates: dict[str, object | None], newline: str = "\n") -> str:
    """Replace, add (at the end) or remove (value None) top-level keys, touching nothing else."""
    lines = frontmatter.split(newline) if frontmatter else []
    blocks = _key_blocks(lines)
    for key, value in updates.items():
        rendered = None if value is None else f"{key}: {render_value(value)}"
        if key in blocks:
            start, end = blocks[key]
            lines[start:end] = [] if rendered is None else [rendered]
            blocks = _key_blocks(lines)
        elif rendered is not None:
            lines.append(rendered)
            blocks = _key_blocks(lines)
    return newline.join(lines)


def _key_blocks(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Top-level key -> (first line, line after its last continuation line)."""
    blocks: dict[str, tuple[int, int]] = {}
    current: str | None = None
    for i, line in enumerate(lines):
        match = _KEY_LINE.match(line)
        if match:
            current = match.group(1)
            blocks[current] = (i, i + 1)
        elif current and (line[:1] in (" ", "\t") or line.startswith("- ")):
            blocks[current] = (blocks[current][0], i + 1)
        else:
            current = None
    return blocks


def join(frontmatter: str | None, body: str, newline: str = "\n") -> str:
    if frontmatter is None:
        return body
    return f"{FENCE}{newline}{frontmatter}{newline}{FENCE}{newline}{body}"
