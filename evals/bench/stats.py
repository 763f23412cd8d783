"""The small statistics the benchmark needs: percentiles, a least-squares line with its R²,
and recall@k of a ranked list against the sections a question should find."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from evals.metrics import percentile


@dataclass(frozen=True)
class LinearFit:
    """``y ≈ slope * x + intercept``; ``r_squared`` is 1.0 for points exactly on a line."""

    slope: float
    intercept: float
    r_squared: float


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> LinearFit:
    """The least-squares line through the points and its coefficient of determination."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("a line needs at least two points, as many x as y")
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread_x = sum((x - mean_x) ** 2 for x in xs)
    if spread_x == 0:
        raise ValueError("a line needs at least two different x")
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread_x
    intercept = mean_y - slope * mean_x
    residual = sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys, strict=True))
    total = sum((y - mean_y) ** 2 for y in ys)
    r_squared = 1.0 - residual / total if total else 1.0
    return LinearFit(slope, intercept, r_squared)


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """The share of ``relevant`` found among the first ``k`` of ``ranked``."""
    if not relevant:
        raise ValueError("recall needs at least one relevant item")
    return len(set(ranked[:k]) & set(relevant)) / len(set(relevant))


def mean_recall_at_k(results: Sequence[tuple[Sequence[str], Collection[str]]],
                     k: int) -> float:
    """recall@k averaged over (ranked, relevant) pairs, one per question."""
    if not results:
        raise ValueError("recall needs at least one question")
    return sum(recall_at_k(ranked, relevant, k) for ranked, relevant in results) / len(results)


def latency_percentiles(values: Sequence[float]) -> dict[str, float | None]:
    """p50, p95 and p99 of some latencies (None for none)."""
    return {f"p{q}": percentile(values, q, digits=3) for q in (50, 95, 99)}
