"""Defaults for every test: fake AWS credentials and region, so nothing can reach a real account."""

import os

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_REGION", "us-east-1")
for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(variable, None)
