"""The Step Functions state machines of wiring.STATE_MACHINES, loaded from statemachines/<file>.

Each ASL `${Name}` placeholder is replaced by the ARN of the function that declares
StateMachineTask(<machine>, "Name"). Machines have fixed names, so the functions that start them
get the ARN as a plain string: a function may then be both a task of a machine and its starter
without a dependency cycle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from agentdesk import wiring

from .functions import state_machine_env_var
from .nag import regex, suppress
from .paths import STATEMACHINES_DIR

PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def substitutions_for(machine: str, specs: Sequence[wiring.Function]) -> dict[str, str]:
    """Placeholder name → function name, for every StateMachineTask of `machine`."""
    found: dict[str, str] = {}
    for fn in specs:
        for trigger in fn.triggers:
            if isinstance(trigger, wiring.StateMachineTask) and trigger.state_machine == machine:
                if trigger.substitution in found and found[trigger.substitution] != fn.name:
                    raise ValueError(f"{machine}: ${{{trigger.substitution}}} is declared by two functions")
                found[trigger.substitution] = fn.name
    return found


def placeholders(asl_text: str) -> set[str]:
    return set(PLACEHOLDER.findall(asl_text))


class Orchestration(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        machines: Mapping[str, wiring.StateMachine],
        specs: Sequence[wiring.Function],
        functions: Mapping[str, lambda_.Function],
        roles: Mapping[str, iam.IRole],
        asl_dir: Path = STATEMACHINES_DIR,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.state_machines: dict[str, sfn.StateMachine] = {}
        unknown = {
            t.state_machine
            for fn in specs
            for t in fn.triggers
            if isinstance(t, wiring.StateMachineTask) and t.state_machine not in machines
        } | {name for fn in specs for name in (*fn.starts, *fn.schedules) if name not in machines}
        if unknown:
            raise KeyError(f"functions refer to undeclared state machines: {sorted(unknown)}")

        for name, machine in machines.items():
            asl_path = asl_dir / machine.file
            asl_text = asl_path.read_text(encoding="utf-8")
            tasks = substitutions_for(name, specs)
            missing = placeholders(asl_text) - tasks.keys()
            if missing:
                raise ValueError(f"{asl_path.name} uses {sorted(missing)} but no function declares them")
            state_machine_name = f"{stack.stack_name}-{name}"
            log_group = logs.LogGroup(
                self,
                f"{_pascal(name)}Logs",
                log_group_name=f"/aws/vendedlogs/states/{state_machine_name}",
                retention=logs.RetentionDays.ONE_MONTH,
                removal_policy=RemovalPolicy.DESTROY,
            )
            state_machine = sfn.StateMachine(
                self,
                _pascal(name),
                state_machine_name=state_machine_name,
                comment=machine.description,
                definition_body=sfn.DefinitionBody.from_file(str(asl_path)),
                definition_substitutions={sub: functions[fn].function_arn for sub, fn in tasks.items()},
                logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=True),
                tracing_enabled=True,
            )
            for fn_name in sorted(set(tasks.values())):
                state_machine.add_to_role_policy(
                    iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[functions[fn_name].function_arn])
                )
            suppress(
                state_machine,
                "IAM5",
                "Step Functions log delivery (logs:*LogDelivery, DescribeLogGroups, resource policies) and "
                "X-Ray tracing have no resource-level permissions and require Resource '*'.",
                applies_to=["Resource::*"],
            )
            self.state_machines[name] = state_machine

            arn = stack.format_arn(
                service="states",
                resource="stateMachine",
                resource_name=state_machine_name,
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            )
            executions = stack.format_arn(
                service="states",
                resource="execution",
                resource_name=f"{state_machine_name}:*",
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            )
            for fn in specs:
                if name not in fn.starts:
                    continue
                roles[fn.name].add_to_principal_policy(
                    iam.PolicyStatement(actions=["states:StartExecution"], resources=[arn])
                )
                roles[fn.name].add_to_principal_policy(
                    iam.PolicyStatement(
                        actions=["states:StopExecution", "states:DescribeExecution"], resources=[executions]
                    )
                )
                functions[fn.name].add_environment(state_machine_env_var(name), arn)
                suppress(
                    roles[fn.name],
                    "IAM5",
                    f"Stops and describes executions of the {name} state machine only; execution names are "
                    "chosen at run time (the interaction id), so the ARN ends in a wildcard.",
                    applies_to=[regex(rf"^Resource::arn:<AWS::Partition>:states:.*:execution:.*{re.escape(name)}:\*$")],
                )
            schedulers = [fn for fn in specs if name in fn.schedules]
            if schedulers:
                self._schedules_for(name, arn, schedulers, functions, roles)

    def _schedules_for(
        self,
        name: str,
        machine_arn: str,
        specs: Sequence[wiring.Function],
        functions: Mapping[str, lambda_.Function],
        roles: Mapping[str, iam.IRole],
    ) -> None:
        """Functions that keep EventBridge Scheduler schedules for a machine: a schedule group, the role the
        Scheduler assumes to start the machine, and rights to manage schedules in that group only."""
        stack = Stack.of(self)
        group = scheduler.CfnScheduleGroup(self, f"{_pascal(name)}Schedules", name=f"{stack.stack_name}-{name}")
        invoker = iam.Role(
            self,
            f"{_pascal(name)}SchedulerRole",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": stack.account}}
            ),
            description=f"EventBridge Scheduler starts the {name} state machine",
        )
        invoker.add_to_policy(iam.PolicyStatement(actions=["states:StartExecution"], resources=[machine_arn]))
        schedules_arn = stack.format_arn(service="scheduler", resource="schedule", resource_name=f"{group.name}/*")
        for fn in specs:
            roles[fn.name].add_to_principal_policy(
                iam.PolicyStatement(
                    actions=[
                        "scheduler:CreateSchedule",
                        "scheduler:UpdateSchedule",
                        "scheduler:DeleteSchedule",
                        "scheduler:GetSchedule",
                    ],
                    resources=[schedules_arn],
                )
            )
            roles[fn.name].add_to_principal_policy(
                iam.PolicyStatement(actions=["iam:PassRole"], resources=[invoker.role_arn])
            )
            functions[fn.name].add_environment(state_machine_env_var(name), machine_arn)
            functions[fn.name].add_environment("SCHEDULE_GROUP", str(group.name))
            functions[fn.name].add_environment("SCHEDULER_ROLE_ARN", invoker.role_arn)
            suppress(
                roles[fn.name],
                "IAM5",
                f"Manages the schedules of the {name} group only; schedule names are chosen at run time "
                "(one per site), so the ARN ends in a wildcard.",
                applies_to=[regex(r"^Resource::arn:<AWS::Partition>:scheduler:.*:schedule/.*/\*$")],
            )


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))
