"""Coordinated networks in the main window: Tools > Coordinated networks… for analysts
and leads opens the investigation workspace (one per main window, kept)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.people import Role
from widgets.shell.actions import ActionSpec
from widgets.shell.tasks import TaskRunner

if TYPE_CHECKING:
    # The workspace (its graph view, numpy layouts) loads when first opened.
    from widgets.network.workspace import InvestigationWorkspace
    from widgets.shell.main_window import MainWindow


class NetworkTools:
    """The workspace of one main window, created on first use."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.workspace: InvestigationWorkspace | None = None
        self.runner = TaskRunner()

    def show_workspace(self) -> InvestigationWorkspace:
        """Open (or raise) the investigation workspace."""
        from widgets.network.workspace import InvestigationWorkspace

        desk = self.window.desk
        if self.workspace is None:
            self.workspace = InvestigationWorkspace(
                desk.store, desk.policies, desk.reviewer, self.runner
            )
        self.workspace.reload_investigations()
        self.workspace.show()
        return self.workspace


def install(window: MainWindow) -> None:
    """Add Tools > Coordinated networks… for analysts and leads."""
    tools = NetworkTools(window)
    window.network_tools = tools  # type: ignore[attr-defined]
    window.action_table.extend(
        (
            ActionSpec(
                "network.workspace",
                "Coordinated networks…",
                tools.show_workspace,
                menu="Tools",
                role=Role.ANALYST,
            ),
        )
    )
