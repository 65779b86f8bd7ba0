"""The reviewer's personal exposure panel: today's items, graphic items, unfiltered time."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from app.log.clock import Clock
from app.wellbeing.exposure import ExposureLedger, PersonalExposure


class ExposurePanel(QWidget):
    """Today's figures for the logged-in reviewer only (never anyone else's)."""

    def __init__(self, ledger: ExposureLedger, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exposurePanel")
        self.setAccessibleName("Your exposure today")
        self._ledger, self._clock = ledger, clock
        self.labels = {key: QLabel("–") for key in FIELDS}
        form = QFormLayout(self)
        for key, title in FIELDS.items():
            form.addRow(title, self.labels[key])
        self.figures: PersonalExposure | None = None
        self.refresh()

    def refresh(self) -> None:
        """Recount from the event log."""
        self.figures = figures = self._ledger.today(self._clock.now())
        self.labels["items"].setText(str(figures.items_seen))
        self.labels["graphic"].setText(str(figures.graphic_items))
        self.labels["filtered"].setText(_duration(figures.filtered_seconds))
        self.labels["unfiltered"].setText(_duration(figures.unfiltered_seconds))
        self.labels["no_reveal"].setText(
            f"{figures.decisions_without_reveal} of {figures.decisions}"
        )


FIELDS = {
    "items": "Items seen",
    "graphic": "Graphic items",
    "filtered": "On screen, filtered",
    "unfiltered": "Unfiltered (area-weighted)",
    "no_reveal": "Decisions with no reveal",
}


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds, 1), 60)
    return f"{int(minutes)} min {secs:.1f} s" if minutes else f"{secs:.1f} s"
