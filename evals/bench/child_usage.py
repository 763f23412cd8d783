"""Run as ``python -m evals.bench.child_usage RESULT_PATH COMMAND...``: run COMMAND and
write when it was spawned (``time.time()``), its wall time and its peak resident memory
to RESULT_PATH as JSON; exit as it exited.

Why a separate small process: Linux counts in a child's ``ru_maxrss`` the memory of the
process it was forked from, up to the ``exec``. Spawned straight from the benchmark (a
gigabyte with the model loaded), a small command would look a gigabyte large; spawned
from this launcher it carries only the launcher's few megabytes.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(result_path: str, command: list[str]) -> int:
    """Spawn ``command``, wait for it, record its usage; returns its exit status."""
    spawned_at, started = time.time(), time.perf_counter()
    pid = os.posix_spawnp(command[0], command, os.environ)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    with open(result_path, "w", encoding="utf-8") as result:
        json.dump({"spawned_at": spawned_at, "seconds": seconds,
                   "peak_rss_kib": usage.ru_maxrss}, result)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2:]))
