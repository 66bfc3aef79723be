"""The four verdicts, the declared metrics, comparisons across seeds, held-out starts and the
claims table's new columns (metric, caveat)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from helpers import experiments, surfaces, verdicts
from helpers import optimizers as O
from helpers.verdicts import INCONCLUSIVE, Spread


def history(loss, val_loss):
    return SimpleNamespace(history={"loss": list(loss), "val_loss": list(val_loss)})


# ---------------------------------------------------------------------------------------------
# Verdicts


def test_inconclusive_needs_the_experiment_that_would_decide():
    with pytest.raises(ValueError, match="decide"):
        verdicts.verdict("AdaGrad stops too early", "10 epochs", INCONCLUSIVE, "still falling")
    v = verdicts.verdict(
        "AdaGrad stops too early", "10 epochs", INCONCLUSIVE, "still falling",
        decide="200 epochs", caveat="3 seeds", metric="better",
    )  # fmt: skip
    text = repr(v)
    assert "VERDICT: INCONCLUSIVE AT THIS SCALE" in text
    assert "WOULD DECIDE IT: 200 epochs" in text and "CAVEAT: 3 seeds" in text
    assert f"METRIC: better: {verdicts.METRICS['better']}" in text
    html = v._repr_html_()
    assert verdicts.COLOURS[INCONCLUSIVE] in html and "200 epochs" in html
    assert v.data["caveat"] == "3 seeds" and v.data["decide"] == "200 epochs"


def test_metric_must_be_declared():
    with pytest.raises(ValueError, match="metric must be one of"):
        verdicts.verdict("c", "e", "holds", "", metric="final accuracy")
    assert verdicts.verdict("c", "e", "holds", "").data["metric"] == ""


def test_judge_outcomes():
    assert verdicts.judge_outcomes([1, 1, 1, 1, 0]) == "holds"
    assert verdicts.judge_outcomes([1, 1, 1, 0, -1]) == "holds partly"
    assert verdicts.judge_outcomes([1, -1, -1, 0, -1]) == "does not hold"
    # mostly within the spread between seeds: no verdict either way
    assert verdicts.judge_outcomes([0, 0, 0, 1, -1]) == INCONCLUSIVE
    with pytest.raises(ValueError):
        verdicts.judge_outcomes([])


# ---------------------------------------------------------------------------------------------
# Metrics and seeds


def test_epochs_to_a_target_and_best_validation_loss():
    h = history([1.0, 0.6, 0.4, 0.35], [0.9, 0.5, 0.55, 0.6])
    assert verdicts.epochs_to(h, 0.5) == 3
    assert verdicts.epochs_to(h, 0.4) == 3  # at or below the target
    assert verdicts.epochs_to(h, 0.1) == math.inf
    assert verdicts.measure(h, "faster", target=0.6) == 2
    assert verdicts.measure(h, "better") == 0.5
    with pytest.raises(ValueError, match="target"):
        verdicts.measure(h, "faster")
    with pytest.raises(ValueError, match="metric"):
        verdicts.measure(h, "accuracy")


def test_across_seeds_gives_mean_and_spread():
    runs = {
        "A": {42: history([1], [0.30]), 43: history([1], [0.32]), 44: history([1], [0.34])},
        "B": {42: history([1], [0.40])},
    }
    spreads = verdicts.across_seeds(runs, "better")
    a = spreads["A"]
    assert a.seeds == (42, 43, 44)
    assert a.mean == pytest.approx(0.32) and a.sd == pytest.approx(0.02)
    assert (a.low, a.high, a.range) == (0.30, 0.34, pytest.approx(0.04))
    assert a.show() == "0.3200 (0.3000–0.3400)"
    assert spreads["B"].show() == "0.4000" and spreads["B"].range == 0
    caveat = verdicts.seeds_caveat(spreads, "better")
    assert caveat.startswith("3 seeds (42, 43, 44)") and "0.0400" in caveat


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ([0.30, 0.31, 0.32], [0.40, 0.41, 0.42], 1),  # apart by more than the spread
        ([0.40, 0.41, 0.42], [0.30, 0.31, 0.32], -1),
        ([0.30, 0.35, 0.40], [0.33, 0.34, 0.36], 0),  # a difference smaller than the spread
        ([0.30, 0.30, 0.30], [0.30, 0.30, 0.30], 0),
        ([3, 4, 4], [math.inf] * 3, 1),  # only a ever reaches the target
        ([math.inf] * 3, [5, 5, 6], -1),
        ([3, math.inf, 4], [5, 5, 6], 0),  # some seeds never get there: undecided
        ([math.inf] * 3, [math.inf] * 3, 0),
    ],
)
def test_a_difference_within_the_spread_between_seeds_is_no_win(a, b, expected):
    sa, sb = Spread(dict(zip((42, 43, 44), a))), Spread(dict(zip((42, 43, 44), b)))
    assert verdicts.outcome(sa, sb) == expected
    assert verdicts.outcome(sb, sa) == -expected


def test_spread_shows_never():
    assert Spread({42: math.inf, 43: math.inf}).show(".0f") == "never"
    assert "never" in Spread({42: 3.0, 43: math.inf}).show(".0f")


# ---------------------------------------------------------------------------------------------
# Held-out starts


def test_held_out_starts_lie_in_the_window_and_follow_the_seed():
    starts = experiments.held_out_starts(n=16, seed=7)
    assert list(starts) == surfaces.names()
    for name, points in starts.items():
        s = surfaces.get(name)
        xmin, xmax, ymin, ymax = s.window
        assert points.shape == (16, 2)
        assert (points[:, 0] >= xmin).all() and (points[:, 0] <= xmax).all()
        assert (points[:, 1] >= ymin).all() and (points[:, 1] <= ymax).all()
        assert (s.distance_to_minimum(points) >= 0.05 * (xmax - xmin)).all()
        listed = np.array(s.starts)
        assert not any(np.allclose(p, q) for p in points for q in listed)
    again = experiments.held_out_starts(n=16, seed=7)
    other = experiments.held_out_starts(n=16, seed=8)
    assert all(np.array_equal(starts[k], again[k]) for k in starts)
    assert not np.array_equal(starts["bowl"], other["bowl"])


def test_a_race_from_held_out_starts_and_its_tables():
    starts = experiments.held_out_starts(["bowl", "plateau"], n=3, seed=1)
    race = experiments.race({"GD": "gd", "Momentum": "momentum"}, ["bowl", "plateau"],
                            steps=50, starts=starts)  # fmt: skip
    assert len(race.results("GD")) == 6
    assert {r["start"] for r in race.results("GD")} == {
        tuple(p) for k in starts for p in starts[k].tolist()
    }
    # 50 steps at η = 0.01 reach nothing: every row shows both final losses
    table = race.table(only_unreached=True)
    assert len(table.splitlines()) == 7 and table.count("— ") == 12
    summary = race.surface_table("Momentum", "GD").splitlines()
    assert len(summary) == 3
    cells = summary[1].split()
    assert cells[:2] == ["bowl", "3"] and cells[5] == "3"  # neither gets there from 3 starts
    gaps = {r["label"]: np.median([x["final_gap"] for x in race.results(r["label"])
                                   if x["surface"] == "bowl"]) for r in race.rows}  # fmt: skip
    assert cells[6:] == [f"{gaps['Momentum']:.1e}", "/", f"{gaps['GD']:.1e}"]


def test_a_race_over_learning_rates_equals_one_race_per_rate():
    """race_over runs every η at once; each of its races equals ``race`` at that η alone,
    row for row (steps to the tolerance, final gap, divergence)."""
    starts = experiments.held_out_starts(["bowl", "rosenbrock"], n=4, seed=3)
    rates = (0.001, 0.01, 0.5)  # 0.5 diverges on Rosenbrock
    over = experiments.race_over({"GD": "gd", "Adam": "adam"}, "learning_rate", rates,
                                 ["bowl", "rosenbrock"], steps=300, starts=starts)  # fmt: skip
    assert list(over) == list(rates)
    for lr in rates:
        one = {"GD": O.get("gd", learning_rate=lr), "Adam": O.Adam(learning_rate=lr)}
        alone = experiments.race(one, ["bowl", "rosenbrock"], steps=300, starts=starts)
        assert over[lr].rows == alone.rows
    assert any(r["diverged"] for r in over[0.5].rows)
    assert not any(r["diverged"] for r in over[0.001].rows)
    assert over[0.01].rows != over[0.001].rows


def test_median_gap_says_div_when_most_runs_diverged():
    assert experiments._median_gap([1e-3, 2e-3, 3e-3]) == "2.0e-03"
    assert experiments._median_gap([1e-3, np.inf, np.inf]) == "div"


# ---------------------------------------------------------------------------------------------
# The claims table


def test_claims_md_carries_metric_and_caveat():
    spec = importlib.util.spec_from_file_location(
        "claims_tool", Path(__file__).resolve().parents[1] / "tools" / "claims.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    claim = verdicts.verdict(
        "AdaGrad stops too early", "10 epochs", INCONCLUSIVE, "still falling",
        decide="200 epochs", caveat="3 seeds (42, 43, 44)", metric="better", notebook="03_adagrad",
    ).data  # fmt: skip
    old = {k: v for k, v in verdicts.verdict("c", "e", "holds", "n", notebook="01_x").data.items()
           if k not in ("caveat", "metric", "decide")}  # fmt: skip
    text = tool.render([claim, old])
    rows = [line for line in text.splitlines() if line.startswith("| [")]
    assert rows[0].split(" | ")[3].startswith("better: best validation loss")
    assert "⚪ inconclusive at this scale" in rows[0] and "Would decide it: 200 epochs" in rows[0]
    assert rows[0].endswith("| 3 seeds (42, 43, 44) |")
    assert rows[1].endswith("| — |")  # a claim recorded before the caveat existed
    assert "1 inconclusive at this scale" in text


def test_compare_seeds_over_learning_rates():
    def runs(values):
        return {s: history(loss, [v]) for s, (loss, v) in zip(verdicts.SEEDS, values)}

    fast, slow = [1.0, 0.3, 0.2], [1.0, 0.9, 0.5]
    a = {0.01: runs([(fast, 0.30)] * 3), 0.1: runs([(fast, 0.50), (fast, 0.30), (fast, 0.31)])}
    b = {0.01: runs([(slow, 0.40)] * 3), 0.1: runs([(slow, 0.40)] * 3), 1.0: runs([(slow, 1)] * 3)}
    better = verdicts.compare_seeds(a, b, "better", a="Momentum", b="GD")
    assert list(better.spreads) == [0.01, 0.1]  # only the settings both have
    assert better.outcomes == {0.01: 1, 0.1: 0}  # at 0.1 the seeds spread over 0.2
    assert better.counts() == (1, 1, 0) and better.judge() == "holds partly"
    lines = better.table().splitlines()
    assert "best validation loss" in lines[0] and "3 seeds" in lines[0]
    assert lines[2].endswith("Momentum") and lines[3].endswith("within spread")
    assert "0.2000" in better.caveat()
    faster = verdicts.compare_seeds(a, b, "faster", target=0.4, a="Momentum", b="GD")
    assert faster.outcomes == {0.01: 1, 0.1: 1}  # epoch 2 against never
    assert "epochs to training loss ≤ 0.4" in faster.table()
    assert "2.0 (2.0–2.0)" in faster.table() and "never" in faster.table()
    with pytest.raises(ValueError, match="in common"):
        verdicts.compare_seeds(a, {5: b[1.0]}, "better")


def test_decide_is_kept_only_for_an_inconclusive_verdict():
    assert verdicts.verdict("c", "e", "holds", "n", decide="more seeds").data["decide"] == ""
    assert verdicts.verdict("c", "e", INCONCLUSIVE, "n", decide="more").data["decide"] == "more"
