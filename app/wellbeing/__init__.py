"""Exposure accounting: what a reviewer saw unfiltered, for how long, over how much area."""
