"""Team defaults (an event, lead only) and reviewer preferences above the policy filters."""

from __future__ import annotations

import pytest

from app.domain.people import Reviewer, Role
from app.domain.policies import PolicySet
from app.log.store import LocalStore
from app.wellbeing.preferences import FilterChoice

LEAD = Reviewer("lee", "Lee", Role.LEAD, frozenset())
MOD = Reviewer("maya", "Maya", Role.MODERATOR, frozenset())
# Layers without "schema" are the old pixel-sized form (as older team.filters_set events in
# the log hold): read as pixels at a 512 px short side, so 30 px is 5.9 % of it.
PIXELS = {"default": [{"filter": "pixelate", "strength": 30}, {"filter": "grayscale"}]}


def test_team_default_applies_and_survives_reopen(store: LocalStore, policies: PolicySet) -> None:
    choice = FilterChoice(store)
    spam = policies["spam_scams"]
    assert choice.pipeline(spam, 2).describe() == "blur 1.6% + grayscale"
    choice.set_team_defaults(LEAD, PIXELS)
    assert FilterChoice(store).pipeline(spam, 2).describe() == "pixelate 5.9% + grayscale"
    assert [e.kind for e in store.events()] == ["team.filters_set"]


def test_user_preference_beats_team_but_never_weakens_graphic(
    store: LocalStore, policies: PolicySet
) -> None:
    choice = FilterChoice(store)
    choice.set_team_defaults(LEAD, PIXELS)
    choice.set_user_prefs({"default": [{"filter": "blur", "strength": 4}]})
    assert choice.pipeline(policies["misinformation"], 1).describe() == "blur 0.78%"
    graphic = choice.pipeline(policies["violent_graphic"], 4).describe()
    assert "blur 9.4%" in graphic and "grayscale" in graphic and "mute_red" in graphic


def test_only_leads_set_team_defaults_and_bad_layers_are_refused(store: LocalStore) -> None:
    choice = FilterChoice(store)
    with pytest.raises(PermissionError):
        choice.set_team_defaults(MOD, PIXELS)
    with pytest.raises(ValueError, match="team defaults"):
        choice.set_team_defaults(LEAD, {"default": [{"filter": "grayscale"}]})
    with pytest.raises(ValueError):
        choice.set_user_prefs({"sometimes": []})
