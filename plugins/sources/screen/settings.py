"""`[capture.screen]` in config.toml, read with defaults and checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amber.pluginspec import ConfigError

# Never captured. Titles match as case-insensitive substrings; apps as whole process names.
DEFAULT_EXCLUDED_TITLES = (
    "1password",
    "bitwarden",
    "keepass",
    "lastpass",
    "dashlane",
    "enpass",
    "nordpass",
    "proton pass",
    "keeper password",
    "keychain access",
    "passwords and keys",
    "private browsing",
    "incognito",
    "inprivate",
    "private window",
    "tor browser",
)
LOCKERS = frozenset(
    (
        "i3lock",
        "swaylock",
        "xscreensaver",
        "gnome-screensaver",
        "light-locker",
        "xsecurelock",
        "slock",
        "xlock",
        "loginwindow",
    )
)
DEFAULT_EXCLUDED_APPS = (
    "1password",
    "bitwarden",
    "keepass",
    "keepassx",
    "keepassxc",
    "lastpass",
    "dashlane",
    "enpass",
    "keeper",
    "nordpass",
    "seahorse",
    "kwalletmanager5",
    "kwalletmanager",
    "keychain access",
    "passwords",
    "pinentry",
    "pinentry-gtk-2",
    "pinentry-qt",
    "ssh-askpass",
    "gcr-prompter",
    "polkit-gnome-authentication-agent-1",
    *sorted(LOCKERS),
)


@dataclass(frozen=True)
class ScreenSettings:
    interval_s: float = 10.0
    idle_interval_s: float = 60.0
    idle_after_s: float = 120.0
    exclude_titles: tuple[str, ...] = ()
    exclude_apps: tuple[str, ...] = ()
    keep_images: bool = False
    retention_days: float = 7.0
    hash_distance: int = 6  # of 256 bits: frames this close are nearly the same frame ...
    recheck_s: float = 60.0  # ... and are OCR'd again only after this long (user active)
    min_chars: int = 12  # OCR text with fewer letters and digits is noise
    ocr_timeout_s: float = 60.0
    language: str = "eng"
    display: str = ""  # an X display such as ":1"; empty: $DISPLAY

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> ScreenSettings:
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(table) - known
        if unknown:
            raise ConfigError(f"[capture.screen] has unknown keys: {', '.join(sorted(unknown))}")
        try:
            values = {k: _coerce(cls.__dataclass_fields__[k].type, v) for k, v in table.items()}
            settings = cls(**values)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"[capture.screen] in config.toml: {exc}; fix the value") from exc
        if settings.interval_s < 1 or settings.idle_interval_s < settings.interval_s:
            raise ConfigError("[capture.screen] needs 1 <= interval_s <= idle_interval_s")
        return settings

    def excluded(self, title: str, app: str) -> bool:
        title = title.lower()
        app = app.lower()
        titles = DEFAULT_EXCLUDED_TITLES + tuple(t.lower() for t in self.exclude_titles)
        apps = DEFAULT_EXCLUDED_APPS + tuple(a.lower() for a in self.exclude_apps)
        return any(t and t in title for t in titles) or (bool(app) and app in apps)


def _coerce(kind: str, value: Any) -> Any:
    if kind.startswith("tuple"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"expected a list of strings, got {value!r}")
        return tuple(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    return {"float": float, "int": int, "str": str}[kind](value)
