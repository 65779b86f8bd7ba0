"""`veil --smoke` (the CI and packaged-build check) and the PyInstaller bundle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_flag_decides_a_case_and_exits_zero() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "widgets.shell.main", "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "smoke: ok" in done.stdout


@pytest.mark.dist
def test_pyinstaller_bundle_passes_smoke(tmp_path: Path) -> None:
    if (
        shutil.which("pyinstaller") is None
        and not (Path(sys.executable).parent / "pyinstaller").exists()
    ):
        pytest.fail("PyInstaller is not installed: `pip install -e .[dist]`")
    pyinstaller = str(Path(sys.executable).parent / "pyinstaller")
    build = subprocess.run(
        [
            pyinstaller,
            "--noconfirm",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "build"),
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    exe = tmp_path / "dist" / "veil" / "veil"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [str(exe), "--smoke"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    assert "smoke: ok" in done.stdout
