"""The audit trail: every event, filterable, and verification of every hash chain.

- `trail`: the events a lead (all) or an analyst (their cases) may look through.
- `verify` / `hub_check`: `veil audit verify`, locally and on the hub.
"""
