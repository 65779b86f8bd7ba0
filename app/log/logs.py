"""Where Veil writes what went wrong: a rotating log file in the data dir.

The workstation and the CLI both call `setup_logging` once they know the data dir, so a
support question can always start from `<data dir>/logs/veil.log`. Warnings and errors go
there by default; `veil --debug` sends everything down to DEBUG.
"""

from __future__ import annotations

import logging
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path

from app.log.paths import private_dir, private_file

LOG_FOLDER = "logs"
LOG_FILENAME = "veil.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
HANDLER_NAME = "veil-log-file"
FORMAT = "%(asctime)s %(levelname)-8s %(name)s [%(threadName)s] %(message)s"


def log_path(data_dir: Path) -> Path:
    """The log file of a data dir (whether or not anything was written to it yet)."""
    return data_dir / LOG_FOLDER / LOG_FILENAME


def setup_logging(data_dir: Path, debug: bool = False) -> Path:
    """Send warnings and errors (everything, with debug) to the data dir's log file.

    Calling it again replaces the file handler it added before instead of adding a second
    one, so a test or a second start in one process never writes every line twice.

    Returns:
        The log file's path.
    Raises:
        OSError: the logs folder or file cannot be created.
    """
    path = log_path(data_dir)
    private_dir(data_dir)
    private_dir(path.parent)
    for old in path.parent.glob(f"{LOG_FILENAME}*"):
        private_file(old)  # rotated files from before keep no looser permissions
    level = logging.DEBUG if debug else logging.WARNING
    handler = _PrivateFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.set_name(HANDLER_NAME)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    stop_logging()
    root.addHandler(handler)
    # Lower the root level only: a level another tool set lower (pytest, a debugger) stays.
    root.setLevel(min(root.level or logging.WARNING, level))
    logging.getLogger(__name__).debug("logging to %s (debug=%s)", path, debug)
    return path


class _PrivateFileHandler(RotatingFileHandler):
    """A rotating log whose every file (the first and each one after a rollover) is
    created owner-only (0600): a log names people, cases and hub addresses."""

    def _open(self) -> TextIOWrapper:
        private_file(Path(self.baseFilename))
        return super()._open()


def stop_logging() -> None:
    """Remove and close the file handler setup_logging added, if any."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)
        handler.close()
