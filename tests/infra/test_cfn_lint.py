"""cfn-lint on the synthesized template: no errors, and no warnings but the ones named here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .synthesis import Synth

# Each ignored rule says why.
IGNORED = {
    # aws-cdk-lib's Firehose construct always adds a CIDR-block mapping that only Redshift and HTTP
    # endpoint destinations look up; ours delivers to S3, so the mapping is unused but harmless.
    "W7001",
    # aws-cdk-lib makes every Lambda function and state machine DependsOn its role as well as
    # referencing the role's ARN; the extra DependsOn is redundant, not wrong.
    "W3005",
    # The access-log bucket receives CloudFront standard logs, which are delivered through a bucket ACL;
    # aws-cdk-lib sets the LogDeliveryWrite canned ACL for that (the bucket still blocks public ACLs).
    "W3045",
}


def test_template_passes_cfn_lint(synth: Synth, tmp_path: Path) -> None:
    template = tmp_path / "AgentDesk.template.json"
    template.write_text(json.dumps(synth.template), encoding="utf-8")
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("cfn-lint")),
            "--format",
            "json",
            "--ignore-checks",
            *sorted(IGNORED),
            "--",
            str(template),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    problems = [
        f"{f['Level']} {f['Rule']['Id']} {f['Location']['Path']}: {f['Message']}"
        for f in findings
        if f["Level"] in ("Error", "Warning")
    ]
    assert problems == [], "\n".join(problems)
    assert result.returncode == 0, result.stderr
