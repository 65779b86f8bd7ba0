"""Typed settings over QSettings, versioned, stored in the data dir (settings.ini)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Generic, TypeVar, cast, overload

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")
SCHEMA_VERSION = 1


class Setting(Generic[T]):
    """A typed key with a default: `settings.reveal_seconds` reads and writes it."""

    def __init__(self, key: str, default: T) -> None:
        self.key = key
        self.default = default

    @overload
    def __get__(self, obj: None, owner: type) -> Setting[T]: ...
    @overload
    def __get__(self, obj: Settings, owner: type) -> T: ...
    def __get__(self, obj: Settings | None, owner: type) -> Any:
        if obj is None:
            return self
        return obj.read(self.key, self.default)

    def __set__(self, obj: Settings, value: T) -> None:
        obj.write(self.key, value)


class Settings:
    """The workstation's preferences; every key is declared here with its type."""

    last_user = Setting("login/last_user", "")
    window_geometry = Setting("window/geometry", QByteArray())
    window_state = Setting("window/state", QByteArray())
    splitter_state = Setting("window/splitter", QByteArray())
    reveal_seconds = Setting("wellbeing/reveal_seconds", 3.0)
    reveal_keeps_grayscale = Setting("wellbeing/reveal_keeps_grayscale", True)
    filter_prefs = Setting("wellbeing/filter_prefs", "")  # JSON layer for resolve_pipeline

    def __init__(self, data_dir: Path) -> None:
        self._q = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)
        self._migrate()

    def read(self, key: str, default: T) -> T:
        """The stored value converted to the default's type, or the default."""
        return _typed(self._q.value(key, default), default)

    def write(self, key: str, value: object) -> None:
        """Store a value."""
        self._q.setValue(key, value)

    def sync(self) -> None:
        """Flush to disk."""
        self._q.sync()

    def _migrate(self) -> None:
        version = self.read("meta/version", 0)
        if version < SCHEMA_VERSION:
            # Version 1 is the first; later versions rename or convert keys here.
            self._q.setValue("meta/version", SCHEMA_VERSION)


def _typed(value: object, default: T) -> T:
    """A stored value (an INI file holds text) as the default's type; else the default."""
    converted: object = value
    if value is None:
        return default
    if isinstance(default, bool):
        converted = value if isinstance(value, bool) else str(value).lower() in ("true", "1")
    elif isinstance(default, (int, float)) and not isinstance(value, type(default)):
        try:
            converted = type(default)(str(value))
        except ValueError:
            return default
    elif isinstance(default, str):
        converted = str(value)
    # The check makes the cast true: whatever is returned has the default's own type.
    return cast(T, converted) if isinstance(converted, type(default)) else default
