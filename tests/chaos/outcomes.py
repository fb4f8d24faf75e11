"""What the chaos scenarios count: jobs lost, stuck or wrong after a fault, and the process tree."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.integration.test_service_integration import reference, same_result


@dataclass
class Outcomes:
    """Of the jobs sent: gone (404), not finished, finished with another result than a clean
    run, failed with a message, failed without one."""

    lost: int = 0
    stuck: int = 0
    wrong: int = 0
    failed: int = 0
    failed_silently: int = 0


def job_outcomes(client: Any, app: Any, ids: list[str], texts: list[str]) -> Outcomes:
    """Read every job back and compare each finished one with the same text cleaned in-process."""
    out = Outcomes()
    for job_id, text in zip(ids, texts):
        r = client.get(f"/v1/jobs/{job_id}")
        if r.status_code == 404:
            out.lost += 1
            continue
        state = r.json["state"]
        if state == "done":
            try:
                same_result(r.json["result"], reference(app, text))
            except AssertionError:
                out.wrong += 1
        elif state == "failed":
            out.failed += 1
            if not (r.json.get("error") or {}).get("message"):
                out.failed_silently += 1
        else:
            out.stuck += 1
    return out


def parent_pids() -> dict[int, int]:
    """pid -> parent pid of every process (from /proc)."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            table[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return table
