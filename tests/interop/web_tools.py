"""The browser the front-end tests drive: Chromium from Debian
(`apt-get install chromium chromium-driver`, done here when missing; the
tests skip only where apt-get itself is unavailable), and examples/web."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

WEB = ROOT / "examples" / "web"
CHROMIUM = Path("/usr/bin/chromium")


def ensure_chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if shutil.which("apt-get") is None:
        pytest.skip("apt-get is unavailable: cannot install Chromium for the page test")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(
            [*sudo, *cmd, *(["chromium-driver"] if "install" in cmd else [])],
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"
    assert CHROMIUM.exists()
    return CHROMIUM
