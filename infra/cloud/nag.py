"""cdk-nag suppressions, always with the reason written next to the resource they excuse."""

from __future__ import annotations

from collections.abc import Sequence

from cdk_nag import NagPackSuppression, NagSuppressions, RegexAppliesTo
from constructs import IConstruct


def suppress(
    construct: IConstruct,
    rule: str,
    reason: str,
    applies_to: Sequence[str | RegexAppliesTo] | None = None,
    *,
    children: bool = True,
) -> None:
    """Suppress one AwsSolutions rule on `construct` (and its children) for the stated reason."""
    if len(reason.strip()) < 20:
        raise ValueError(f"a suppression of {rule} needs a real reason, got {reason!r}")
    NagSuppressions.add_resource_suppressions(
        construct,
        [NagPackSuppression(id=f"AwsSolutions-{rule}", reason=reason, applies_to=applies_to)],
        apply_to_children=children,
    )


def regex(pattern: str) -> RegexAppliesTo:
    """A finding matcher for `applies_to`, written as a plain regular expression (no slashes)."""
    return RegexAppliesTo(regex=f"/{pattern}/")
