"""Carrying out a run's units: one after another, or on N threads sharing the environment.

``--jobs 1`` runs everything in order. ``--jobs N`` runs N units at a time on threads;
each unit still has its own runtime and databases, and all share the one embedding model
(its calls are serialised, see ``evals.embedding``). Threads rather than processes:
measured on the 2-core box with 100 cases (133 turns), two spawned processes took several
times longer than one thread (each imports torch and loads the model again), while two
threads took the same or less. On the offline brain a turn is mostly Python under the
GIL; with the LLM brain turns mostly wait on the network, and threads overlap that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed

from evals.driver import Environment
from evals.work import Result, Unit, carry_out

Progress = Callable[[int, int], None]


def carry_out_all(env: Environment, units: Sequence[Unit], jobs: int,
                  progress: Progress | None = None) -> list[Result]:
    """Every unit's result, in the order of ``units``."""
    total = sum(u.size for u in units)
    done = 0
    results: list[Result | None] = [None] * len(units)
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="eval")
    try:
        futures: dict[Future[Result], int] = {
            pool.submit(carry_out, env, unit): i for i, unit in enumerate(units)}
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            done += units[index].size
            if progress:
                progress(done, total)
    finally:  # on Ctrl-C, drop what has not started rather than finish the whole run
        pool.shutdown(wait=True, cancel_futures=True)
    return [r for r in results if r is not None]
