"""How the ids of the store read to a person: case numbers, policies, actions, queues, people.

Every screen, toast and report names things through here, so a person reads `#1042`,
"No violation", "Hate and harassment" and "Maya", never `no_violation`, `hate-harassment`
or a UUID. The words come from the policy and queue files (the team's own language); an
id that no file names reads as itself with its underscores spaced, never as an error.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping

from app.domain.policies import Policy, PolicySet
from app.domain.queues import QueueSet, bundled_queues


def case_number(case_no: int | None) -> str:
    """The case number as people read and type it: `#1042` (`#?` when not known)."""
    return "#?" if case_no is None else f"#{case_no}"


def spaced(identifier: str) -> str:
    """An id no file names, read as words: `no_violation` -> `no violation`."""
    return identifier.replace("_", " ").replace("-", " ")


class Words:
    """The team's words for the ids of policies, actions, queues and people."""

    def __init__(
        self,
        policies: PolicySet,
        queues: QueueSet | None = None,
        people: Mapping[str, str] | None = None,
    ) -> None:
        self.policies = policies
        self._queues = {q.id: q.name for q in (queues or bundled_queues(policies))}
        self._people = dict(people or {})

    def policy(self, policy_id: str | None) -> str:
        """A policy's name ("Spam and scams" for `spam_scams`)."""
        if not policy_id:
            return ""
        return self.policies[policy_id].name if policy_id in self.policies else spaced(policy_id)

    def action(self, action_id: str | None, policy_id: str | None = None) -> str:
        """An action's label under its policy, else the first policy that defines it."""
        if not action_id:
            return ""
        for policy in self._candidates(policy_id):
            found = next((a for a in policy.actions if a.id == action_id), None)
            if found is not None:
                return found.label
        return spaced(action_id)

    def subcategory(self, policy_id: str | None, sub_id: str | None) -> str:
        """A subcategory's label under its policy ("Phishing" for `phishing`)."""
        if not sub_id:
            return ""
        policy = self.policies[policy_id] if policy_id and policy_id in self.policies else None
        found = policy.subcategories.get(sub_id) if policy is not None else None
        return found or spaced(sub_id)

    def queue(self, queue_id: str | None) -> str:
        """A queue's name ("Hate and harassment" for `hate-harassment`)."""
        if not queue_id:
            return ""
        return self._queues.get(queue_id, spaced(queue_id))

    def queue_names(self) -> dict[str, str]:
        """Queue id -> name, for pickers and charts."""
        return dict(self._queues)

    def person(self, username: str | None) -> str:
        """A person's display name (the username when no account names them)."""
        if not username:
            return ""
        return self._people.get(username) or username

    def with_people(self, people: Mapping[str, str]) -> Words:
        """The same words, knowing these display names as well."""
        words = Words.__new__(Words)
        words.policies, words._queues = self.policies, self._queues
        words._people = {**self._people, **people}
        return words

    def _candidates(self, policy_id: str | None) -> list[Policy]:
        first = [self.policies[policy_id]] if policy_id and policy_id in self.policies else []
        return [*first, *self.policies]


_BUNDLED: weakref.WeakKeyDictionary[PolicySet, Words] = weakref.WeakKeyDictionary()


def words_for(policies: PolicySet) -> Words:
    """The words of the bundled queue files for this policy set (read once per set)."""
    found = _BUNDLED.get(policies)
    if found is None:
        found = _BUNDLED[policies] = Words(policies)
    return found
