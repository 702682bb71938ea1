#!/usr/bin/env bash
# mypy, strict on every context's pure domain and contracts (pyproject.toml lists them), over the package.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/mypy layers/agentdesk/agents/domain layers/agentdesk/agents/contracts.py layers/agentdesk/agents/events.py \
  layers/agentdesk/config/domain layers/agentdesk/config/contracts.py layers/agentdesk/config/events.py \
  layers/agentdesk/events.py \
  layers/agentdesk/reporting/domain layers/agentdesk/reporting/contracts.py \
  layers/agentdesk/realtime/domain layers/agentdesk/realtime/envelope.py layers/agentdesk/realtime/pushes.py \
  layers/agentdesk/interactions/domain layers/agentdesk/interactions/contracts.py \
  layers/agentdesk/interactions/events.py \
  layers/agentdesk/kernel/errors.py layers/agentdesk/kernel/events.py layers/agentdesk/kernel/identity.py \
  layers/agentdesk/kernel/rate_limits.py layers/agentdesk/kernel/timestamps.py layers/agentdesk/kernel/settings.py \
  layers/agentdesk/kernel/customer_tokens.py
