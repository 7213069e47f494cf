"""Run a script in a new process as on a 1920x1080 screen at 150 % display scaling (an offscreen
screen of that size, QT_SCALE_FACTOR=1.5), with settings of its own under ``tmp_path``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_at_150_percent(tmp_path: Path, script: str, *args: str,
                       timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -c script *args`` on the scaled screen; raises TimeoutExpired past ``timeout``."""
    screens = tmp_path / "screens.json"
    screens.write_text(json.dumps({"screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96,
         "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screens}",
               QT_SCALE_FACTOR="1.5", TRACKER_CONFIG_DIR=str(tmp_path / "conf"),
               XDG_CONFIG_HOME=str(tmp_path / "conf"), HOME=str(tmp_path))
    return subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True,
                          text=True, timeout=timeout)
