"""The log file, `veil --debug`, About Veil, and store failures shown instead of swallowed."""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.cli.main import build_parser, run
from app.log.logs import HANDLER_NAME, log_path, setup_logging, stop_logging
from db.engine import StoreError
from widgets.shell.about import AboutDialog, veil_version
from widgets.shell.errors import FAILURE_BOX, excepthook
from widgets.shell.main_window import MainWindow


@pytest.fixture(autouse=True)
def _own_logging() -> Iterator[None]:
    """Each test starts without Veil's file handler and leaves the root logger as it was."""
    root = logging.getLogger()
    level = root.level
    stop_logging()
    yield
    stop_logging()
    root.setLevel(level)


def _file_handler() -> logging.Handler:
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]
    return handler


def _log_text(path: Path) -> str:
    _file_handler().flush()
    return path.read_text(encoding="utf-8")


def _failure_boxes() -> list[QMessageBox]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.objectName() == FAILURE_BOX and w.isVisible()
    ]


def _case_action(window: MainWindow, text: str) -> None:
    (action,) = [a for a in window.menus["Case"].actions() if a.text() == text]
    action.trigger()


def test_the_log_file_is_in_the_data_dir_and_keeps_warnings(tmp_path: Path) -> None:
    path = setup_logging(tmp_path)
    assert path == tmp_path / "logs" / "veil.log" == log_path(tmp_path)
    logging.getLogger("widgets.test").warning("the disk is nearly full")
    logging.getLogger("widgets.test").info("a case was opened")
    text = _log_text(path)
    assert "WARNING" in text and "the disk is nearly full" in text
    assert "a case was opened" not in text  # below WARNING without --debug


def test_setting_up_twice_keeps_one_file_handler(tmp_path: Path) -> None:
    setup_logging(tmp_path / "first")
    path = setup_logging(tmp_path / "second")
    logging.getLogger("widgets.test").error("once")
    assert _log_text(path).count("once") == 1
    assert "once" not in (tmp_path / "first" / "logs" / "veil.log").read_text(encoding="utf-8")


def test_veil_debug_writes_debug_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["--debug", "--data-dir", str(tmp_path), "verify"])
    assert args.debug
    assert run(args) == 0
    assert "every hash chain verifies" in capsys.readouterr().out
    assert _file_handler().level == logging.DEBUG
    assert logging.getLogger().getEffectiveLevel() == logging.DEBUG
    logging.getLogger("app.test").debug("a debug detail")
    assert "a debug detail" in _log_text(log_path(tmp_path))


def test_without_debug_the_cli_logs_warnings_only(tmp_path: Path) -> None:
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "verify"])
    assert not args.debug
    assert run(args) == 0
    assert _file_handler().level == logging.WARNING


def test_about_names_the_version_and_the_log_file(window: MainWindow, qtbot: QtBot) -> None:
    (about,) = [a for a in window.menus["Help"].actions() if a.text() == "About Veil"]
    about.trigger()
    dialogs = window.findChildren(AboutDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    text = dialogs[0].text.text()
    log_file = log_path(window.desk.store.data_dir)
    assert html.escape(str(log_file)) in text
    assert html.escape(veil_version()) in text
    dialogs[0].reject()


def test_a_store_error_in_an_action_is_shown_and_logged(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = setup_logging(window.desk.store.data_dir)
    assert window.loop.working is not None

    def locked(*_args: object) -> None:
        raise StoreError("database is locked")

    monkeypatch.setattr(window.desk, "release", locked)
    _case_action(window, "Release  (R)")  # no exception escapes the action
    (box,) = _failure_boxes()
    assert "could not complete this action" in box.text()
    assert "database is locked" in box.text()
    assert window.isVisible()
    text = _log_text(path)
    assert "database is locked" in text and "Traceback" in text
    _case_action(window, "Release  (R)")  # a second failure is logged, not a second box
    assert len(_failure_boxes()) == 1
    assert _log_text(path).count("StoreError: database is locked") == 2
    box.close()


def test_a_failed_release_on_close_is_logged(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = setup_logging(window.desk.store.data_dir)
    case_id = window.loop.working.row.case_id if window.loop.working else None
    assert case_id is not None

    def locked(*_args: object) -> None:
        raise StoreError("disk I/O error")

    monkeypatch.setattr(window.desk, "release", locked)
    window.close()
    assert window.loop.working is None
    assert f"could not release case {case_id} on sign-out" in _log_text(path)


def test_an_uncaught_error_is_logged_and_shown(tmp_path: Path, qtbot: QtBot) -> None:
    path = setup_logging(tmp_path)
    try:
        raise RuntimeError("a bug in a slot")
    except RuntimeError as exc:
        excepthook(RuntimeError, exc, exc.__traceback__)
    (box,) = _failure_boxes()
    assert "RuntimeError: a bug in a slot" in box.text()
    text = _log_text(path)
    assert "CRITICAL" in text and "Uncaught exception" in text and "a bug in a slot" in text
    box.close()
