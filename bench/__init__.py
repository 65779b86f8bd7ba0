"""Veil's benchmarks: each module here is one benchmark with a `run()` that prints a table.

Figures are ratios against a baseline measured in the same run, because this machine is
shared and noisy and absolute times drift. `python -m bench` lists them,
`python -m bench NAME` runs one.
"""
