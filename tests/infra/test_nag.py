"""cdk-nag AwsSolutions: no finding left open, and every suppression says why."""

from __future__ import annotations

from aws_cdk.assertions import Annotations, Match

from .synthesis import Synth

AWS_SOLUTIONS = Match.string_like_regexp("AwsSolutions-.*")


def _describe(messages: list) -> str:
    return "\n".join(f"{m.id}: {str(m.entry.data)[:200]}" for m in messages)


def test_no_unsuppressed_errors(synth: Synth) -> None:
    errors = Annotations.from_stack(synth.stack).find_error("*", AWS_SOLUTIONS)
    assert errors == [], _describe(errors)


def test_no_unsuppressed_warnings(synth: Synth) -> None:
    warnings = Annotations.from_stack(synth.stack).find_warning("*", AWS_SOLUTIONS)
    assert warnings == [], _describe(warnings)


def test_no_other_synth_errors_or_warnings(synth: Synth) -> None:
    annotations = Annotations.from_stack(synth.stack)
    everything = Match.any_value()
    problems = annotations.find_error("*", everything) + annotations.find_warning("*", everything)
    assert problems == [], _describe(problems)


def test_every_suppression_has_a_written_reason(synth: Synth) -> None:
    suppressions = [
        (logical_id, rule)
        for logical_id, resource in synth.resources.items()
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
    ]
    assert suppressions, "the stack is expected to carry some documented suppressions"
    for logical_id, rule in suppressions:
        assert rule["id"].startswith("AwsSolutions-"), (logical_id, rule)
        assert len(rule["reason"].split()) >= 8, f"{logical_id} suppresses {rule['id']} without a real reason"


def test_nothing_is_suppressed_wholesale(synth: Synth) -> None:
    """Wildcard-permission suppressions name the exact findings they excuse."""
    for logical_id, resource in synth.resources.items():
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []):
            if rule["id"] in ("AwsSolutions-IAM4", "AwsSolutions-IAM5"):
                assert rule.get("applies_to"), f"{logical_id}: {rule['id']} suppressed for every finding"
