"""Where the CDK app finds the code and documents it packages (all relative to the repository root)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = ROOT / "functions"
LAYER_DIR = ROOT / "layers"
LAYER_PACKAGE_DIR = LAYER_DIR / "agentdesk"
LAYER_REQUIREMENTS = LAYER_DIR / "requirements.txt"
STATEMACHINES_DIR = ROOT / "statemachines"
DEFAULT_WEB_DIST = ROOT / "web" / "dist"

# Never shipped in an asset: interpreter caches differ per machine and would change asset hashes.
ASSET_EXCLUDES = ["**/__pycache__", "**/*.pyc", ".pytest_cache", ".mypy_cache"]
