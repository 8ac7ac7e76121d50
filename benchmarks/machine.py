"""The machine a benchmark ran on, for the first line of its report.

Figures from these shared 2-core machines only compare with figures from the
same machine at about the same load, so every report names both.
"""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path


def describe_machine() -> str:
    """CPU model and count, OS, Python, SQLite and the one-minute load average."""
    cpu = platform.processor() or platform.machine() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} CPUs; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
