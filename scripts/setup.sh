#!/usr/bin/env bash
# Installs everything the product needs from the project's own files: the Python environment from the lock
# file, the Node tools (root: CDK CLI, ASL validator; web/: the app) and the built web app.
# With --test it also makes sure Debian's Chromium is there for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=false
[ "${1:-}" = "--test" ] && want_browser=true

python=${PYTHON:-python3}
"$python" - <<'PY' || { echo "Agent Desk needs Python 3.11 or newer" >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY
command -v node >/dev/null || { echo "Agent Desk needs Node.js 20 or newer" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$python" -m venv .venv
fi
echo "==> Python packages (requirements.lock)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3" "setuptools==84.2.1"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .

echo "==> Node packages (package-lock.json, web/package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error
(cd web && npm ci --no-audit --no-fund --loglevel=error)
echo "==> building the web app"
(cd web && npm run --silent build)

if $want_browser && ! [ -x /usr/bin/chromium ]; then
  echo "==> installing Debian's chromium for the browser tests"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
echo "==> set-up done"
