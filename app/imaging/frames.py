"""Frames by index from any multi-frame media: a video or an animated picture.

The viewer's stepping, storyboard and playback read through `open_frames`, so an
animated GIF or WebP is reviewed exactly like a video: every frame reachable, each one
filtered before it is painted.
"""

from __future__ import annotations

from app.imaging.animation import AnimationReader
from app.imaging.media import MediaInput
from app.imaging.video import VideoReader

FrameSource = VideoReader | AnimationReader
# DecodedMedia.kind values that have frames to step through.
MULTI_FRAME_KINDS = frozenset({"video", "animation"})


def open_frames(
    path: MediaInput, kind: str, max_side: int, frame_count: int | None = None
) -> FrameSource:
    """An open reader for media of this kind ("video" or "animation"); the caller closes it.

    `frame_count`, when known (from decode_for_display), spares a video without a length
    in its container from being counted again.
    """
    if kind == "animation":
        return AnimationReader(path, max_side)
    if kind == "video":
        return VideoReader(path, max_side, frame_count)
    raise ValueError(f"kind must be video or animation, got {kind!r}")
