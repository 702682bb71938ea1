"""Where the CDK app finds the code and documents it packages (all relative to the repository root)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = ROOT / "functions"
LAYER_DIR = ROOT / "layers"
LAYER_PACKAGE_DIR = LAYER_DIR / "agentdesk"
LAYER_REQUIREMENTS = LAYER_DIR / "requirements.txt"
DUCKDB_LAYER_DIR = LAYER_DIR / "duckdb"
DUCKDB_REQUIREMENTS = DUCKDB_LAYER_DIR / "requirements.txt"
STATEMACHINES_DIR = ROOT / "statemachines"
DEFAULT_WEB_DIST = ROOT / "web" / "dist"

# Never shipped in an asset: interpreter caches differ per machine and would change asset hashes.
ASSET_EXCLUDES = ["**/__pycache__", "**/*.pyc", ".pytest_cache", ".mypy_cache"]
# The shared layer's sources are layers/ without the DuckDB layer's folder (it is an asset of its own).
SHARED_LAYER_EXCLUDES = [*ASSET_EXCLUDES, "duckdb"]
