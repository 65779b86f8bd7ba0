"""Wellbeing imaging, Qt-free: decode media at display size and filter it for review.

decode.py turns a file into display-sized RGB frames (or a MediaError with a readable
reason), filters.py holds the pure filter functions, pipeline.py composes them per item,
video.py reads and plays video, check.py runs the same path headless.
"""
