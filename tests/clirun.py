"""Running the CLI in a subprocess, as a user would (shared by the CLI tests)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict | None = None, input: str | None = None):
    """Run the CLI in a subprocess, as a user would."""
    import subprocess

    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True,
                          text=True, env=full_env, input=input, timeout=120, cwd=ROOT)
