"""The team's words: ids of the store read as the policy and queue files name them."""

from __future__ import annotations

from app.audit.trail import summarise
from app.domain.policies import PolicySet
from app.domain.words import Words, case_number, words_for


def test_case_numbers_read_as_people_type_them() -> None:
    assert case_number(1042) == "#1042"
    assert case_number(None) == "#?"


def test_policies_actions_subcategories_and_queues_read_as_their_files_name_them(
    policies: PolicySet,
) -> None:
    words = Words(policies, people={"mod": "Maya"})
    assert words.policy("spam_scams") == "Spam and scams"
    assert words.action("no_violation", "spam_scams") == "No violation"
    assert words.action("no_violation") == "No violation"  # the first policy that has it
    assert words.subcategory("spam_scams", "phishing") == "Phishing"
    assert words.queue("hate-harassment") == "Hate and harassment"
    assert words.person("mod") == "Maya" and words.person("ghost") == "ghost"
    # An id no file names still reads as words, never as an error.
    assert words.policy("retired_policy") == "retired policy"
    assert words.action("retired_action") == "retired action"
    assert words.queue("old-queue") == "old queue"
    assert words.with_people({"ari": "Ari"}).person("ari") == "Ari"
    assert words_for(policies) is words_for(policies)


def test_the_audit_trail_line_reads_in_words_when_given_them(policies: PolicySet) -> None:
    payload = {"action": "no_violation", "category": "spam_scams", "fields": {}}
    assert summarise("decision.recorded", payload) == "decided no_violation under spam_scams"
    worded = summarise("decision.recorded", payload, words_for(policies))
    assert worded == "decided No violation under Spam and scams"
