"""Coordinated networks: accounts acting together, found from a bulk table of posts.

An investigation loads posts (not cases) with `veil network import`, builds the
co-action graph (app/network/graph.py) and clusters it; analysts judge clusters and edges
as events that sync through the hub like every other event (app/network/feature.py).
"""
