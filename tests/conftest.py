"""Defaults for every test: fake AWS credentials and region, so nothing can reach a real account."""

import os

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_REGION", "us-east-1")
for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(variable, None)

# In CI every property-based test draws the same examples on every run (a suite that fails at random blocks
# every later change); on a developer's machine they draw new ones each run, to keep finding new cases.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))
