"""Wellbeing imaging, Qt-free: decode media at display size and filter it for review.

decode.py turns a file into display-sized RGB frames (or a MediaError with a readable
reason), filters.py holds the pure filter functions, pipeline.py composes them per item,
video.py reads and plays video, animation.py steps through animated pictures, frames.py
opens either as frames by index, check.py runs the same path headless.
"""

from __future__ import annotations

import os

import cv2

# FFmpeg and OpenCV print their own diagnostics ("moov atom not found", backend
# warnings) on stderr, which a moderator's console must not fill with; every failure
# reaches the reviewer as a MediaError reason instead. FFmpeg reads its level when the
# first capture opens, so it is set before any module here opens one. Either variable,
# when already set, wins (for debugging a decoder).
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
if "OPENCV_LOG_LEVEL" not in os.environ:
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
