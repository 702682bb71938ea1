#!/usr/bin/env bash
# The whole test suite: installs what it needs, then lint and types, the web app's unit tests, and the
# Python suites by kind (unit, integration, infra, e2e). Fails if any step fails or any kind runs no test.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
export PYTHONDONTWRITEBYTECODE=1

began=$(date +%s)
scripts/setup.sh --test

echo "==> lint and types"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
scripts/typecheck.sh
(cd web && npm run --silent typecheck)

echo "==> web unit tests"
(cd web && npm test --silent)

mkdir -p test-results
status=0
# Integration tests run as two invocations: moto's backends are process-global, and the in-process local
# stack must not share them with the tests that use mock_aws.
for kind in unit integration integration-stack infra e2e; do
  case $kind in
    # Two processes, a test file each at a time: each has its own in-process moto.
    integration) args=(tests/integration -m "not local_stack" -n 2 --dist loadfile) ;;
    integration-stack) args=(tests/integration -m local_stack) ;;
    *) args=("tests/$kind") ;;
  esac
  echo "==> $kind tests"
  set +e
  .venv/bin/python -m pytest "${args[@]}" -q -p no:cacheprovider --junitxml="test-results/$kind.xml"
  code=$?
  set -e
  if [ "$code" -eq 5 ]; then
    echo "!! no $kind tests were collected" >&2
    status=1
  elif [ "$code" -ne 0 ]; then
    status=1
  fi
done

.venv/bin/python scripts/test_summary.py test-results/{unit,integration,integration-stack,infra,e2e}.xml || status=1
echo "suite time: $(( $(date +%s) - began )) s"
exit $status
