"""The benchmark's statistics and figures: a line and its R², recall@k, percentiles,
ratios and targets."""

from __future__ import annotations

import pytest

from evals.bench.figures import Figure, Target, skipped
from evals.bench.stats import linear_fit, mean_recall_at_k, recall_at_k
from evals.metrics import percentile


def test_points_on_a_line_fit_it_exactly() -> None:
    fit = linear_fit([1, 2, 3, 4], [7, 9, 11, 13])
    assert fit.slope == pytest.approx(2.0)
    assert fit.intercept == pytest.approx(5.0)
    assert fit.r_squared == pytest.approx(1.0)


def test_r_squared_of_scattered_points_matches_the_textbook_value() -> None:
    fit = linear_fit([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])
    assert fit.slope == pytest.approx(0.6)
    assert fit.intercept == pytest.approx(2.2)
    assert fit.r_squared == pytest.approx(0.6)


def test_quadratic_growth_fits_a_line_worse_than_linear_growth() -> None:
    turns = list(range(1, 51))
    linear = linear_fit(turns, [1000 * n + 37 * (n % 3) for n in turns])
    quadratic = linear_fit(turns, [n * n for n in turns])
    assert linear.r_squared > 0.999
    assert quadratic.r_squared < 0.95


@pytest.mark.parametrize(("xs", "ys"), [([1], [1]), ([1, 2], [1]), ([3, 3], [1, 2])])
def test_a_line_needs_two_distinct_points(xs: list[float], ys: list[float]) -> None:
    with pytest.raises(ValueError):
        linear_fit(xs, ys)


@pytest.mark.parametrize(("ranked", "relevant", "k", "expected"), [
    (["a", "b", "c"], ["a"], 5, 1.0),
    (["x", "y", "z", "w", "v", "a"], ["a"], 5, 0.0),
    (["x", "y", "z", "w", "v", "a"], ["a"], 6, 1.0),
    (["a", "b"], ["a", "q"], 5, 0.5),
    ([], ["a"], 5, 0.0),
    (["b", "b", "a"], ["a", "b"], 2, 0.5),
])
def test_recall_at_k(ranked: list[str], relevant: list[str], k: int,
                     expected: float) -> None:
    assert recall_at_k(ranked, relevant, k) == pytest.approx(expected)


def test_mean_recall_averages_over_questions() -> None:
    labelled = [(["a", "b"], ["a"]), (["c"], ["d"]), (["e", "f"], ["f", "g"]),
                (["h"], ["h"])]
    assert mean_recall_at_k(labelled, 5) == pytest.approx((1 + 0 + 0.5 + 1) / 4)


def test_recall_needs_something_to_find() -> None:
    with pytest.raises(ValueError):
        recall_at_k(["a"], [], 5)
    with pytest.raises(ValueError):
        mean_recall_at_k([], 5)


def test_percentiles_interpolate_between_samples() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(values, 50) == 30.0
    assert percentile(values, 95) == pytest.approx(48.0)
    assert percentile(list(reversed(values)), 0) == 10.0
    assert percentile([], 50) is None


def test_a_figure_reads_as_a_ratio_and_meets_its_target_or_not() -> None:
    fast = Figure("turn.p50", 24.0, "ms", 8.0, "the skill alone", Target(30.0))
    slow = Figure("turn.p50", 45.0, "ms", 9.0, "the skill alone", Target(30.0))
    busy = Figure("throughput", 40.0, "turns/s", 20.0, "one at a time", Target(50.0, "min"))
    assert (fast.ratio, fast.met) == (3.0, True)
    assert (slow.ratio, slow.met) == (5.0, False)
    assert (busy.ratio, busy.met) == (2.0, False)
    assert busy.to_json()["target"] == {"min": 50.0}


def test_a_figure_without_a_baseline_or_value_has_no_ratio() -> None:
    assert Figure("x", 3.0, "ms").ratio is None
    assert Figure("x", 3.0, "ms", 0.0).ratio is None
    missing = skipped("turn.postgresql.p50", "ms", "PostgreSQL unreachable", Target(30.0))
    assert (missing.value, missing.ratio, missing.met) == (None, None, None)
    assert missing.to_json()["note"] == "skipped: PostgreSQL unreachable"
