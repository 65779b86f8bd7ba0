"""The main window's own entries in the action table: the review loop's keys and the Case,
View, Team and Help menus' commands. Features add theirs in their `install(window)`.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from app.domain.people import Role
from widgets.shell.actions import ActionSpec, Binding

if TYPE_CHECKING:
    from widgets.shell.main_window import MainWindow


def window_actions(window: MainWindow) -> tuple[ActionSpec, ...]:
    """Every key and menu command the main window itself handles, in overlay order."""
    return (*_claiming(window), *_deciding(window), *_giving_back(window), *_shell(window))


def _claiming(window: MainWindow) -> tuple[ActionSpec, ...]:
    loop = window.loop
    return (
        ActionSpec(
            "case.claim_next",
            "Claim next",
            window.claim_next,
            keys=("N", "Space"),
            menu="Case",
            overlay="claim the most urgent case you may work",
        ),
        ActionSpec(
            "case.browse_next",
            "Browse next",
            partial(window.browse_step, 1),
            keys=("J",),
            menu="Case",
            overlay="browse down the queue (read only, no lease)",
            enabled=lambda: window.model.rowCount() > 0,
        ),
        ActionSpec(
            "case.browse_previous",
            "Browse previous",
            partial(window.browse_step, -1),
            keys=("K",),
            menu="Case",
            overlay="browse up the queue (read only, no lease)",
            enabled=lambda: window.model.rowCount() > 0,
        ),
        ActionSpec(
            "case.pick_queue",
            "Pick the queue",
            window.queue_filter.setFocus,
            keys=("Q",),
            section="Case",
            overlay="pick the queue to work (N then claims from it)",
        ),
        ActionSpec(
            "case.take",
            "Take the shown case",
            loop.take,
            keys=("Enter", "Return"),
            display_key="Enter",
            menu="Case",
            overlay="take the case you browsed to, if it is free",
            enabled=lambda: loop.shown is not None and not loop.is_working(loop.shown),
        ),
    )


def _deciding(window: MainWindow) -> tuple[ActionSpec, ...]:
    loop = window.loop
    return (
        ActionSpec(
            "decision.choose",
            "Choose a decision action",
            keys=tuple(str(n) for n in range(1, 10)),
            display_key="1 … 9",
            section="Case",
            overlay="choose a decision action",
            choose=window.panel.choose_action,
        ),
        ActionSpec(
            "decision.fields",
            "Next field",
            display_key="Tab",
            section="Case",
            overlay="walk the form (action, subcategory, severity, fields, Submit); "
            "stays in the form",
            binding=Binding.WIDGET,
        ),
        ActionSpec(
            "decision.mark_evidence",
            "Mark evidence…",
            window.mark_evidence,
            keys=("M",),
            menu="Case",
            overlay="mark evidence: a region or a video time range (filtered)",
            enabled=lambda: loop.is_working(loop.shown),
        ),
        ActionSpec(
            "decision.submit",
            "Submit the decision",
            window.panel.submit,
            keys=("Ctrl+Enter", "Ctrl+Return"),
            display_key="Ctrl+Enter",
            section="Case",
            overlay="submit the decision; the next case is claimed",
        ),
        ActionSpec(
            "decision.undo",
            "Undo the last decision",
            loop.undo,
            keys=("Ctrl+Z",),
            menu="Case",
            overlay="undo the last decision (10 seconds)",
            enabled=lambda: loop.toast.armed,
        ),
        ActionSpec(
            "decision.near_duplicates",
            "Decide near-duplicates…",
            loop.decide_cluster,
            keys=("D",),
            menu="Case",
            overlay="decide the near-duplicates of the last case alike",
            enabled=lambda: loop.last_decision is not None,
        ),
    )


def _giving_back(window: MainWindow) -> tuple[ActionSpec, ...]:
    loop = window.loop

    def working() -> bool:
        return loop.working is not None

    return (
        ActionSpec(
            "case.escalate",
            "Escalate…",
            window.escalate,
            keys=("E",),
            menu="Case",
            overlay="escalate to an analyst",
            enabled=lambda: loop.is_working(loop.shown),
        ),
        ActionSpec(
            "case.skip",
            "Skip…",
            loop.skip,
            keys=("S",),
            menu="Case",
            overlay="skip the case, with a reason",
            enabled=working,
        ),
        ActionSpec(
            "case.release",
            "Release",
            window.release,
            keys=("R",),
            menu="Case",
            overlay="release the case back to the queue",
            enabled=working,
        ),
        ActionSpec(
            "case.break",
            "Take a break",
            loop.take_break_now,
            keys=("B",),
            menu="Case",
            overlay="take a break (media hidden)",
        ),
        *_analyst_and_lead(window),
    )


def _analyst_and_lead(window: MainWindow) -> tuple[ActionSpec, ...]:
    def shown() -> bool:
        return window.loop.shown is not None

    return (
        ActionSpec(
            "case.history",
            "History and notes",
            window.toggle_history,
            keys=("H",),
            section="Case",
            overlay="history and notes of the case",
            role=Role.ANALYST,
        ),
        ActionSpec(
            "case.link",
            "Link a related case…",
            window.link_case,
            keys=("L",),
            menu="Case",
            overlay="link a related case",
            role=Role.ANALYST,
            enabled=shown,
        ),
        ActionSpec(
            "case.add_note",
            "Add the typed note",
            window.history.add_note,
            keys=("Ctrl+Shift+Return", "Ctrl+Shift+Enter"),
            display_key="Ctrl+Shift+Enter",
            section="Case",
            overlay="add the typed note",
            role=Role.ANALYST,
        ),
        ActionSpec(
            "case.assign",
            "Assign to a person…",
            window.assign,
            keys=("A",),
            menu="Case",
            overlay="assign the case to a person",
            role=Role.LEAD,
            enabled=shown,
        ),
        ActionSpec(
            "team.rules",
            "Breaks and rotation…",
            window.edit_rules,
            menu="Team",
            role=Role.LEAD,
        ),
    )


def _shell(window: MainWindow) -> tuple[ActionSpec, ...]:
    return (
        ActionSpec(
            "view.safe_screen",
            "Safe screen: hide all media",
            window.on_escape,
            keys=("Escape",),
            display_key="Esc",
            menu="View",
            overlay="safe screen from anywhere: all media hidden until Esc again "
            "(closes this list first)",
        ),
        ActionSpec(
            "view.queue",
            "Back to the queue",
            window.focus_queue,
            keys=("F6",),
            display_key="F6",
            menu="View",
            overlay="from the form, notes or pickers: the cursor back to the queue",
        ),
        ActionSpec(
            "view.zoom",
            "Zoom and pan",
            display_key="Ctrl+wheel, drag",
            section="View",
            overlay="zoom and pan (the filter stays on)",
            binding=Binding.WIDGET,
        ),
        ActionSpec(
            "help.shortcuts",
            "Keyboard shortcuts",
            window.overlay_toggle,
            keys=("?", "Shift+?"),
            display_key="?",
            menu="Help",
            overlay="show or hide this list",
        ),
        ActionSpec("help.about", "About Veil", window.show_about, menu="Help"),
    )
