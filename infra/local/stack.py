"""Starts the whole product on one machine: local AWS (moto + real Lambda handlers), provisioning from the
wiring, demo data, the API Gateway emulation and the web app. Used by `python -m infra.local` and by the
end-to-end tests alike.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import httpx
import uvicorn
from moto.moto_api._internal import moto_api_backend

from agentdesk.config.defaults import install_defaults
from agentdesk.kernel import clock
from agentdesk.kernel.settings import get_settings, reset_settings, state_machine_setting, variable
from infra.local.aws import LocalAws
from infra.local.gateway import DENIAL_NOISE, Gateway, GatewayConfig
from infra.local.gc_watch import GcWatch
from infra.local.in_process import GatewayTransport, install_transport, uninstall_transport
from infra.local.lake import LakeForwarder
from infra.local.lambda_runtime import LambdaRuntime
from infra.local.pollers import Poller
from infra.local.provision import Provisioned, provision
from infra.local.scheduler import LocalScheduler
from infra.local.seed import DemoUser, seed_configuration, seed_users

ROOT = Path(__file__).resolve().parents[2]
SWITCH_INTERVAL_SECONDS = 0.001  # the interpreter's default is 0.005


@dataclass
class StackOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    aws_port: int = 4566
    region: str = "us-east-1"
    web_dist: Path = ROOT / "web" / "dist"
    seed: bool = True


@dataclass
class LocalStack:
    options: StackOptions = field(default_factory=StackOptions)
    provisioned: Provisioned | None = None
    users: list[DemoUser] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.runtime = LambdaRuntime(self.options.region)
        self.aws = LocalAws(self.options.host, self.options.aws_port, self.runtime)
        self.pollers = Poller(self.runtime, self.client, self.options.region)
        self.scheduler = LocalScheduler(self.client)
        self.lake: LakeForwarder | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._listener: socket.socket | None = None
        self._clients: dict[tuple[str, str], Any] = {}
        self.gc_watch = GcWatch()
        self._pushes: GatewayTransport | None = None
        self._switch_interval = sys.getswitchinterval()

    @property
    def base_url(self) -> str:
        return f"http://{self.options.host}:{self.options.port}"

    @property
    def aws_endpoint(self) -> str:
        return self.aws.endpoint

    def client(self, service: str) -> Any:
        """A client of the local AWS (kept: building one costs more than most calls)."""
        key = (service, self.aws_endpoint)
        if key not in self._clients:
            self._clients[key] = boto3.client(service, endpoint_url=self.aws_endpoint, region_name=self.options.region)
        return self._clients[key]

    def start(self) -> LocalStack:
        began = time.perf_counter()
        # Every function, the local AWS and the gateway share this process: a thread waiting to reply (the
        # gateway's event loop) gets the interpreter back sooner while stream consumers keep it busy.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        self._base_environment()
        # Both ports are bound before anything else runs: a port named 0 is picked here, and a free port
        # found earlier cannot be taken meanwhile by an outgoing connection of this machine.
        self._listener = self._bind_gateway()
        self.aws.start()
        os.environ["MOTO_PORT"] = str(self.aws.port)  # moto's Step Functions calls Lambda on this port
        os.environ["AWS_ENDPOINT_URL"] = self.aws_endpoint
        reset_settings()
        httpx.post(
            f"{self.aws_endpoint}/moto-api/config",
            json={"stepfunctions": {"execute_state_machine": True}},
            timeout=10,
        ).raise_for_status()
        self.timings["aws"] = time.perf_counter() - began
        self.provisioned = provision(self.aws_endpoint, self.options.region, self.runtime)
        self._function_environment(self.provisioned)
        self.timings["provision"] = time.perf_counter() - began
        if self.options.seed:
            self.users = seed_users(self.client("cognito-idp"), self.provisioned.user_pool_id)
            self.demo = seed_configuration(self.users)
        else:
            install_defaults()
        self.timings["seed"] = time.perf_counter() - began
        # moto does not run a Kinesis-sourced delivery stream: this writes the lake's raw events as Firehose does
        self.lake = LakeForwarder(self.client, self.provisioned.streams["events"], self.provisioned.lake_bucket)
        self.lake.start()
        self.pollers.start(self.provisioned.table_names, self.provisioned.streams)
        # ready means consistent: the seed's events have reached their consumers before anyone can connect
        self.pollers.wait_idle(timeout=60)
        self._start_gateway(self.provisioned)
        self.scheduler.start()
        # What start-up built (modules, moto's backends, the seed) lives as long as the stack: keep it out of
        # every later collection, so a full collection walks only what requests allocate.
        gc.collect()
        gc.freeze()
        self.gc_watch.start()
        self.timings["ready"] = time.perf_counter() - began
        return self

    def _base_environment(self) -> None:
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
        os.environ["AWS_REGION"] = self.options.region
        os.environ["AWS_DEFAULT_REGION"] = self.options.region
        os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "agentdesk")
        os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "AgentDesk")
        os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
        os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
        os.environ.setdefault("LOG_LEVEL", "WARNING")

    def _function_environment(self, provisioned: Provisioned) -> None:
        """The variables the CDK app sets on the functions, with the local values."""
        from agentdesk import wiring

        for key, table in wiring.TABLES.items():
            os.environ[table.env_var] = provisioned.table_names[key]
        os.environ["USER_POOL_ID"] = provisioned.user_pool_id
        os.environ["USER_POOL_CLIENT_ID"] = provisioned.user_pool_client_id
        os.environ["COGNITO_JWKS_URL"] = f"{self.aws_endpoint}/{provisioned.user_pool_id}/.well-known/jwks.json"
        os.environ["CUSTOMER_TOKEN_SECRET_ARN"] = provisioned.customer_token_secret_arn
        os.environ["WS_MANAGEMENT_ENDPOINT"] = self.base_url
        os.environ["WEBSOCKET_URL"] = f"ws://{self.options.host}:{self.options.port}/ws"  # handed to chat customers
        os.environ["EVENT_STREAM"] = provisioned.streams["events"]
        os.environ["LAKE_BUCKET"] = provisioned.lake_bucket
        os.environ["SCHEDULE_GROUP"] = provisioned.schedule_group
        os.environ["SCHEDULER_ROLE_ARN"] = provisioned.scheduler_role_arn
        for key, arn in provisioned.state_machine_arns.items():
            os.environ[variable(state_machine_setting(key))] = arn
        reset_settings()
        # One process runs every function: each must find everything its wiring needs, or the stack does not start.
        for spec in wiring.FUNCTIONS:
            get_settings().require_for(spec)

    def _bind_gateway(self) -> socket.socket:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.options.host, self.options.port))
        except OSError:
            listener.close()
            raise
        self.options.port = listener.getsockname()[1]
        return listener

    def _start_gateway(self, provisioned: Provisioned) -> None:
        gateway = Gateway(
            self.runtime,
            GatewayConfig(
                region=self.options.region,
                user_pool_id=provisioned.user_pool_id,
                user_pool_client_id=provisioned.user_pool_client_id,
                jwks_url=get_settings().jwks_url,
                aws_endpoint=self.aws_endpoint,
                web_dist=self.options.web_dist,
                gc_summary=self.gc_watch.summary,
                connect_limit=get_settings().connect_limit,
            ),
        )
        self.gateway = gateway
        config = uvicorn.Config(
            gateway.app,
            host=self.options.host,
            port=self.options.port,
            log_level="warning",
            ws_max_size=1024 * 1024,
            lifespan="off",
            # The client address of a request that came through a proxy on this machine is its X-Forwarded-For
            # (FORWARDED_ALLOW_IPS, default loopback, names the trusted proxies); per-address limits key on it.
            proxy_headers=True,
        )
        logging.getLogger("uvicorn.error").addFilter(DENIAL_NOISE)
        self._server = uvicorn.Server(config)
        assert self._listener is not None
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._listener]}, name="gateway", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the gateway did not start on port {self.options.port}")
            time.sleep(0.02)
        # the handlers' pushes reach the gateway's sockets without a round trip through its HTTP server
        self._pushes = GatewayTransport(self.base_url, gateway.manage, self._server.servers[0].get_loop())
        install_transport(self._pushes)

    def stop(self) -> None:
        if self._pushes is not None:
            uninstall_transport(self._pushes)
        self.scheduler.stop()
        self.pollers.stop()
        if self.lake is not None:
            self.lake.stop()
        self._stop_executions()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._listener is not None:
            self._listener.close()
        self.aws.stop()
        self.gc_watch.stop()
        gc.unfreeze()
        sys.setswitchinterval(self._switch_interval)

    def _stop_executions(self) -> None:
        """Running state machines (grace timers, wrap-up timers) end with the stack instead of firing into
        a stack that is gone."""
        if self.provisioned is None:
            return
        stepfunctions = self.client("stepfunctions")
        for arn in self.provisioned.state_machine_arns.values():
            with contextlib.suppress(Exception):  # the local AWS may already be unreachable
                running = stepfunctions.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]
                for execution in running:
                    stepfunctions.stop_execution(executionArn=execution["executionArn"])

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def in_process(**options: Any) -> Iterator[LocalStack]:
    """A stack on free ports inside this process (tests, benchmarks), on real time; when it stops, the
    environment it set is restored and moto's state is reset, so the next stack starts empty."""
    saved = dict(os.environ)
    clock.reset_clock()  # a stack runs on real time: its timers and schedules are real
    stack = LocalStack(StackOptions(port=0, aws_port=0, **options))  # each bound to a free port as it starts
    try:
        yield stack.start()
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)
        reset_settings()
        moto_api_backend.reset()
