"""One action table: each command's keys, menu entry and `?` overlay line come from one entry.

The main window and every feature add `ActionSpec`s to the window's `ActionTable`; the
table binds the keys (a QAction with shortcuts on the window), puts the entry in its menu
when the person's role may use it, and gives the overlay its lines. Keys that are not
plain shortcuts (held reveal keys, Tab, Ctrl+wheel) are entries too, so the overlay never
lists a key nobody handles and never misses one somebody does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from functools import partial

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from app.domain.people import Role

Guard = Callable[[Callable[..., object]], Callable[..., None]]


class Binding(Enum):
    """Who reads an entry's keys."""

    SHORTCUT = "shortcut"  # the table: a QAction with these shortcuts on the window
    PRESS = "press"  # a key filter (the viewer's), so text fields keep their letters
    HELD = "held"  # a key filter that sees press and release (reveal while held)
    WIDGET = "widget"  # the focused widget itself (Tab, Ctrl+wheel, dragging)


@dataclass(frozen=True)
class ActionSpec:
    """One command: what it is called, its keys, its menu, who may use it and what it does."""

    id: str
    label: str
    run: Callable[[], object] | None = None
    keys: tuple[str, ...] = ()
    display_key: str = ""
    menu: str | None = None
    section: str | None = None
    overlay: str = ""
    role: Role = Role.MODERATOR
    enabled: Callable[[], bool] | None = None
    binding: Binding = Binding.SHORTCUT
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut
    choose: Callable[[str], object] | None = None
    toggle: Callable[[bool], object] | None = None
    checked: bool = False
    separator: bool = False

    @property
    def shown_key(self) -> str:
        """The keys as the overlay and the menu show them ("" for a menu-only entry)."""
        if self.display_key:
            return self.display_key
        native = QKeySequence.SequenceFormat.NativeText
        return "  /  ".join(QKeySequence(k).toString(native) for k in self.keys)

    @property
    def heading(self) -> str:
        """The overlay section this entry is listed under."""
        return self.section or self.menu or "Keys"

    @property
    def menu_text(self) -> str:
        """The menu entry's text: the label, and the key when it has one."""
        return f"{self.label}  ({self.shown_key})" if self.shown_key else self.label


class KeyConflict(ValueError):
    """Two entries claim the same key."""


@dataclass(frozen=True)
class OverlaySection:
    """One heading of the `?` overlay and its (key, what it does) lines."""

    title: str
    lines: tuple[tuple[str, str], ...]


def portable(key: str) -> str:
    """One spelling per key sequence, to compare keys written differently."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText)


class ActionTable(QObject):
    """The window's entries, their QActions and menu entries, and the overlay's lines."""

    def __init__(self, window: QWidget, menus: dict[str, QMenu], role: Role, guard: Guard) -> None:
        super().__init__(window)
        self._window = window
        self._menus = menus
        self._role = role
        self._guard = guard
        self._specs: list[ActionSpec] = []
        self._owners: dict[str, str] = {}  # portable key -> entry id
        self.bound: dict[str, list[QAction]] = {}
        self.entries: dict[str, QAction] = {}
        for menu in menus.values():
            menu.aboutToShow.connect(self.refresh)

    def add(self, spec: ActionSpec) -> QAction | None:
        """Bind an entry's keys and put it in its menu; its menu entry (or key action)."""
        if any(s.id == spec.id for s in self._specs):
            raise ValueError(f"action {spec.id!r} is already in the table")
        self._claim_keys(spec)
        self._specs.append(spec)
        if spec.binding is Binding.SHORTCUT:
            self.bound[spec.id] = self._bind(spec)
        entry = self._menu_entry(spec) if spec.menu and self.allows(spec) else None
        if entry is not None:
            self.entries[spec.id] = entry
        return entry or next(iter(self.bound.get(spec.id, ())), None)

    def extend(self, specs: Iterable[ActionSpec]) -> None:
        """Add several entries in order (menus and the overlay keep this order)."""
        for spec in specs:
            self.add(spec)

    def allows(self, spec: ActionSpec) -> bool:
        """Whether the logged-in person's role may use an entry."""
        return self._role.rank >= spec.role.rank

    def specs(self) -> tuple[ActionSpec, ...]:
        """Every entry, in the order added."""
        return tuple(self._specs)

    def spec(self, action_id: str) -> ActionSpec:
        """The entry with this id."""
        return next(s for s in self._specs if s.id == action_id)

    def refresh(self) -> None:
        """Grey out the menu entries that cannot be used in the current state."""
        for action_id, entry in self.entries.items():
            enabled = self.spec(action_id).enabled
            entry.setEnabled(True if enabled is None else bool(enabled()))

    def overlay(self) -> tuple[OverlaySection, ...]:
        """The `?` overlay: this person's keyed entries, by section in menu-bar order."""
        sections: dict[str, list[tuple[str, str]]] = {name: [] for name in self._menus}
        for spec in self._specs:
            if spec.shown_key and self.allows(spec):
                line = (spec.shown_key, spec.overlay or spec.label)
                sections.setdefault(spec.heading, []).append(line)
        return tuple(OverlaySection(t, tuple(ls)) for t, ls in sections.items() if ls)

    # --- building -------------------------------------------------------------------

    def _claim_keys(self, spec: ActionSpec) -> None:
        if spec.binding is Binding.WIDGET:
            return  # the widget reads them only while it has the focus
        keys = [portable(k) for k in spec.keys]
        for key in keys:
            owner = self._owners.get(key)
            if owner is not None or keys.count(key) > 1:
                raise KeyConflict(f"{key} is bound to both {owner or spec.id} and {spec.id}")
        self._owners.update(dict.fromkeys(keys, spec.id))

    def _bind(self, spec: ActionSpec) -> list[QAction]:
        # Keys stay bound for every role: a refused command says why, while an unbound
        # letter would fall through to the queue's type-ahead search and move the cursor.
        if spec.choose is not None:
            return [self._key_action(spec, (k,), partial(spec.choose, k)) for k in spec.keys]
        if spec.keys and spec.run is not None:
            return [self._key_action(spec, spec.keys, spec.run)]
        return []

    def _key_action(
        self, spec: ActionSpec, keys: tuple[str, ...], run: Callable[[], object]
    ) -> QAction:
        action = QAction(spec.label, self._window)
        action.setObjectName(f"key:{spec.id}")
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(spec.context)
        action.triggered.connect(_no_args(self._guard(run)))
        self._window.addAction(action)
        return action

    def _menu_entry(self, spec: ActionSpec) -> QAction | None:
        menu = self._menus[spec.menu or ""]
        shown = menu.actions()
        # A separator only ever divides entries: never first, never twice in a row.
        if spec.separator and shown and not shown[-1].isSeparator():
            menu.addSeparator()
        entry = QAction(spec.menu_text, self._window)
        entry.setObjectName(f"menu:{spec.id}")
        if spec.toggle is not None:
            entry.setCheckable(True)
            entry.setChecked(spec.checked)
            entry.toggled.connect(self._guard(spec.toggle))
        elif spec.run is not None:
            entry.triggered.connect(_no_args(self._guard(spec.run)))
        menu.addAction(entry)
        return entry


def _no_args(run: Callable[..., None]) -> Callable[..., None]:
    """A slot for `triggered(bool)` that calls run without the checked flag."""
    return lambda *_checked: run()
