"""Functions with a Deployment trigger run on deployment as custom resources; schedulers get their group."""

from __future__ import annotations

from agentdesk import wiring
from tests.infra.synthesis import Synth


def test_every_deployment_trigger_is_a_custom_resource_on_its_function(synth: Synth) -> None:
    hooks = [(fn, t) for fn in wiring.FUNCTIONS for t in fn.triggers if isinstance(t, wiring.Deployment)]
    assert hooks
    for fn, trigger in hooks:
        resources = [
            props
            for props in (r["Properties"] for r in synth.resources.values() if r["Type"].startswith("Custom::"))
            if props.get("ServiceToken") == {"Fn::GetAtt": [synth.function_id(fn.name), "Arn"]}
        ]
        assert len(resources) == 1, fn.name
        assert resources[0]["Version"] == trigger.version


def test_schedulers_manage_only_their_schedule_group_and_pass_only_the_scheduler_role(synth: Synth) -> None:
    (group_id, group), *others = synth.of_type("AWS::Scheduler::ScheduleGroup").items()
    assert not others
    for fn in (f for f in wiring.FUNCTIONS if f.schedules):
        statements = synth.policy_statements(synth.role_id(fn.name))
        scheduling = [s for s in statements if "scheduler:CreateSchedule" in str(s["Action"])]
        assert len(scheduling) == 1
        assert "schedule/" in str(scheduling[0]["Resource"]) and group["Properties"]["Name"] in str(
            scheduling[0]["Resource"]
        )
        passing = [s for s in statements if s["Action"] == "iam:PassRole"]
        assert len(passing) == 1 and "SchedulerRole" in str(passing[0]["Resource"])
    roles = synth.of_type("AWS::IAM::Role")
    scheduler_roles = [
        r for r in roles.values() if "scheduler.amazonaws.com" in str(r["Properties"]["AssumeRolePolicyDocument"])
    ]
    assert len(scheduler_roles) == 1
    assert group_id
