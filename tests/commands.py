"""Running ``manage.py`` in a fresh process, with only the environment a test gives it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ("DJANGO_", "DATABASE_URL")


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith(OURS)} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
