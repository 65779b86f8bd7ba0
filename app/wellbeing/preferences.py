"""Filter choices above the policy: a reviewer's own preference and the lead's team default.

Both are layers for `resolve_pipeline` (`{"schema": 2, "default": [...steps],
"by_severity": {...}}`; a layer without "schema" holds old pixel sizes, migrated on read):
the user's beats the team's, which beats the policy's, and for graphic categories the
policy stays a floor (app/imaging/pipeline.py). The team default is an event
(`team.filters_set`), so it reaches every workstation of the team through sync; the
newest one wins. A reviewer's own preference is a local setting.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from app.domain.kinds import EventKind
from app.domain.people import Reviewer, Role
from app.domain.policies import Policy
from app.imaging.pipeline import FilterPipeline, resolve_pipeline
from app.log.registry import decoded
from app.log.store import LocalStore
from app.wellbeing.kinds import TeamFiltersSet
from db.models import Event

Layer = Mapping[str, Any]


class FilterChoice:
    """Resolves the pipeline for an item from policy, team default and user preference."""

    def __init__(self, store: LocalStore, user_prefs: Layer | None = None) -> None:
        self._store = store
        self.user_prefs = user_prefs
        self._team: Layer | None = None
        self._team_loaded = False

    def pipeline(self, policy: Policy, severity: int) -> FilterPipeline:
        """The filters for an item of this policy and severity."""
        return resolve_pipeline(
            policy.filters, severity, self.user_prefs, self.team_defaults(), graphic=policy.graphic
        )

    def team_defaults(self) -> Layer | None:
        """The newest team default, read once and cached until set again."""
        if not self._team_loaded:
            self._team = read_team_defaults(self._store)
            self._team_loaded = True
        return self._team

    def set_team_defaults(self, lead: Reviewer, layer: Layer) -> None:
        """Record a new team default (leads only); ValueError for a bad layer."""
        if not lead.at_least(Role.LEAD):
            raise PermissionError("only a lead sets the team's filter defaults")
        validate_layer(layer, "team defaults")
        with self._store.transaction() as session:
            self._store.append(
                session,
                actor=lead.username,
                kind=EventKind.TEAM_FILTERS_SET,
                case_id=None,
                payload={"filters": dict(layer)},
            )
        self._team, self._team_loaded = dict(layer), True

    def set_user_prefs(self, layer: Layer | None) -> None:
        """Use a reviewer preference (None clears it); ValueError for a bad layer."""
        if layer is not None:
            validate_layer(layer, "your preference")
        self.user_prefs = layer


def validate_layer(layer: Layer, where: str) -> None:
    """Raise ValueError (naming `where` and the key) unless the layer resolves cleanly."""
    try:
        for severity in range(1, 5):
            resolve_pipeline(None, severity, layer, graphic=False)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from exc
    unknown = set(layer) - {"schema", "default", "by_severity"}
    if unknown:
        raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r}")


def read_team_defaults(store: LocalStore) -> Layer | None:
    """The payload of the newest team.filters_set event, if any."""
    query = (
        select(Event.payload)
        .where(Event.kind == str(EventKind.TEAM_FILTERS_SET))
        .order_by(Event.created_at.desc(), Event.id.desc())
        .limit(1)
    )
    with store.transaction() as session:
        payload = session.scalar(query)
    if payload is None:
        return None
    layer = decoded(str(EventKind.TEAM_FILTERS_SET), json.loads(payload), TeamFiltersSet)
    return None if layer is None else dict(layer.filters)
