"""Installs incidents into the main window.

- Tools > Incidents… (analysts and leads): the incident room.
- The status bar shows the person's own roles on open incidents ("SEV 1 commander:
  Attack video"), on every workstation that receives the incident.
- When cases arrive (an import, a pull), an analyst's or lead's workstation routes those
  matching an open incident's seeds or terms to its surge queue, off the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel

from app.domain.people import Role
from app.incidents import room
from app.incidents.commands import IncidentDesk
from app.incidents.matcher import contain
from app.incidents.severity import bundled_severities
from app.log.changes import Change
from app.qa.people import team
from widgets.shell.actions import ActionSpec
from widgets.shell.main_window import MainWindow
from widgets.shell.tasks import TaskRunner

if TYPE_CHECKING:
    # The incident room loads when first opened.
    from widgets.incidents.window import IncidentsWindow


class IncidentRoom:
    """The incident pieces of one main window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.store = window.desk.store
        self.reviewer = window.desk.reviewer
        self.runner = TaskRunner()
        self.severities = bundled_severities()
        self.desk = IncidentDesk(self.store, self.reviewer, self.severities)
        self.room: IncidentsWindow | None = None
        self.roles = QLabel("")
        self.roles.setObjectName("incidentRoles")
        window.statusBar().addPermanentWidget(self.roles)
        window.store_signals.changed.connect(self.on_store_changed)
        self.refresh_roles()

    def show_room(self) -> IncidentsWindow:
        """The incident room (made on first use, kept)."""
        from widgets.incidents.window import IncidentsWindow

        if self.room is None:
            categories = sorted(p.id for p in self.window.desk.policies)
            people = [p.username for p in team(self.store)]
            self.room = IncidentsWindow(
                self.store,
                self.reviewer,
                self.runner,
                self.severities,
                categories,
                people,
                policies=self.window.desk.policies,
            )
        self.room.show()
        self.room.activateWindow()
        return self.room

    def refresh_roles(self) -> None:
        """Read the person's roles off the UI thread and show them."""

        def work() -> list[tuple[str, str, int, str]]:
            with self.store.read() as session:
                return room.my_roles(session, self.reviewer)

        self.runner.submit(work, self._show_roles, lambda _e: None, owner=self.roles)

    def _show_roles(self, roles: list[tuple[str, str, int, str]]) -> None:
        shown = [f"SEV {sev} {role}: {title}" for role, title, sev, _id in roles[:2]]
        more = f" (+{len(roles) - 2})" if len(roles) > 2 else ""
        self.roles.setText(("Incident · " + "; ".join(shown) + more) if shown else "")

    def on_store_changed(self, change: Change) -> None:
        """Roles and the room follow the store; new cases are matched against incidents."""
        if any(kind.startswith("incident.") for kind in change.kinds):
            self.refresh_roles()
        if self.room is not None and self.room.isVisible():
            self.room.on_store_changed(change)
        if "case.ingested" in change.kinds and self.reviewer.at_least(Role.ANALYST):
            cases = sorted(change.case_ids)
            desk = self.desk
            self.runner.submit(
                lambda: len(contain(desk, case_ids=cases)),
                lambda _n: None,
                lambda _e: None,
                owner=self.roles,
            )


def install(window: MainWindow) -> None:
    """Add the incident room to a main window."""
    incidents = IncidentRoom(window)
    window.incidents = incidents  # type: ignore[attr-defined]
    window.action_table.extend(
        (
            ActionSpec(
                "incidents.room",
                "Incidents…",
                incidents.show_room,
                menu="Tools",
                role=Role.ANALYST,
            ),
        )
    )
