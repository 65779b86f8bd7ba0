"""The dark theme: the palette every widget starts from, under the QSS in resources/styles.

The stylesheet styles what it names; anything it does not name (a list's alternate rows,
a tooltip, a disabled entry, a widget drawn from the palette) falls back to the palette,
so the palette is dark too. Colours are chosen for long shifts: low glare, text at least
4.5:1 against every background it is drawn on (WCAG AA).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

WINDOW = "#23262b"
BASE = "#1d2024"
ALTERNATE_BASE = "#272b31"
TEXT = "#d6dae0"
DIM_TEXT = "#8a929c"
BUTTON = "#34506f"
HIGHLIGHT = "#3a4f6a"

_ROLES = {
    QPalette.ColorRole.Window: WINDOW,
    QPalette.ColorRole.WindowText: TEXT,
    QPalette.ColorRole.Base: BASE,
    QPalette.ColorRole.AlternateBase: ALTERNATE_BASE,
    QPalette.ColorRole.Text: TEXT,
    QPalette.ColorRole.Button: BUTTON,
    QPalette.ColorRole.ButtonText: TEXT,
    QPalette.ColorRole.ToolTipBase: "#2f343b",
    QPalette.ColorRole.ToolTipText: TEXT,
    QPalette.ColorRole.PlaceholderText: DIM_TEXT,
    QPalette.ColorRole.Highlight: HIGHLIGHT,
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.BrightText: "#ff9b8a",
    QPalette.ColorRole.Link: "#8ab4e0",
}


def dark_palette() -> QPalette:
    """The theme's palette; disabled text is dimmed but still readable."""
    palette = QPalette()
    for role, colour in _ROLES.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DIM_TEXT))
    return palette


def apply_theme(app: QApplication, stylesheet: str) -> None:
    """The palette first, then the stylesheet over it."""
    app.setPalette(dark_palette())
    app.setStyleSheet(stylesheet)


def contrast(first: QColor, second: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )
