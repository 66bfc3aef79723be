"""The code that decides the claims' verdicts: who wins a race, win rates, speed-ups, the tuned
learning rate, group win rates, rank correlation, and the verdict's thresholds and display."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from helpers import experiments, training, verdicts
from helpers.experiments import Race


def row(label, surface="bowl", start=(1.0, 1.0), steps_to=None, final_gap=1.0, diverged=False):
    return {
        "label": label,
        "surface": surface,
        "start": start,
        "steps_to": steps_to,
        "final_gap": final_gap,
        "diverged": diverged,
    }


# ---------------------------------------------------------------------------------------------
# Who wins one (surface, start) pair


@pytest.mark.parametrize(
    "a, b, score",
    [
        ({"steps_to": 10}, {"steps_to": 20}, 1.0),  # both reach: fewer steps wins
        ({"steps_to": 20}, {"steps_to": 10}, 0.0),
        ({"steps_to": 15}, {"steps_to": 15}, 0.5),  # the same count: a tie
        ({"steps_to": 900}, {"steps_to": None}, 1.0),  # only a reaches ("—" for b)
        ({"steps_to": None}, {"steps_to": 3}, 0.0),
        # "—" on both sides: the lower final loss wins, ties within a relative 1e-9
        ({"final_gap": 1e-3}, {"final_gap": 2e-3}, 1.0),
        ({"final_gap": 2e-3}, {"final_gap": 1e-3}, 0.0),
        ({"final_gap": 1e-3}, {"final_gap": 1e-3 * (1 + 1e-12)}, 0.5),
        ({"final_gap": np.inf, "diverged": True}, {"final_gap": np.inf, "diverged": True}, 0.5),
        ({"final_gap": 5.0}, {"final_gap": np.inf, "diverged": True}, 1.0),
    ],
)
def test_score_of_one_pair(a, b, score):
    ra, rb = row("A", **a), row("B", **b)
    assert Race._score(ra, rb) == score
    assert Race._score(rb, ra) == 1.0 - score  # the other side of the same pair


def two_surface_race():
    race = Race(["A", "B"], ["bowl", "beale"], steps=100, tolerance=1e-6)
    race.rows = [
        row("A", "bowl", (0, 1), steps_to=10),
        row("B", "bowl", (0, 1), steps_to=40),
        row("A", "bowl", (1, 0), steps_to=30),
        row("B", "bowl", (1, 0), steps_to=30),
        row("A", "beale", (0, 1), final_gap=2.0),
        row("B", "beale", (0, 1), steps_to=50),
        row("A", "beale", (1, 0), steps_to=20),
        row("B", "beale", (1, 0), final_gap=np.inf, diverged=True),
    ]
    return race


def test_win_rate_counts_ties_half_and_filters_by_surface():
    race = two_surface_race()
    assert race.win_rate("A", "B") == (1 + 0.5 + 0 + 1) / 4
    assert race.win_rate("B", "A") == 1 - race.win_rate("A", "B")
    assert race.win_rate("A", "B", "bowl") == 0.75 and race.win_rate("A", "B", "beale") == 0.5


def test_speedup_is_the_median_over_pairs_where_both_converge():
    race = two_surface_race()
    assert race.speedup("A", "B") == np.median([40 / 10, 30 / 30])
    assert race.speedup("B", "A") == np.median([10 / 40, 30 / 30])
    race.rows = [r for r in race.rows if r["surface"] == "beale"]
    assert np.isnan(race.speedup("A", "B"))  # never both


def test_reached_table_and_summary():
    race = two_surface_race()
    assert race.reached("A") == 0.75 and race.reached("B") == 0.75
    table = race.table().splitlines()
    assert table[0].split() == ["surface", "start", "A", "B"]
    assert table[3].split()[-2:] == ["—", "50"] and table[4].split()[-2:] == ["20", "div"]
    assert race.summary("A", "B").startswith("A beats B on 62% of 4 (surface, start) pairs")


def test_overview_counts_medians_and_final_gaps_per_surface():
    race = two_surface_race()
    lines = race.overview().splitlines()
    assert lines[0].split() == ["surface", "A", "B"]
    assert lines[1].split()[-2:] == ["2/2", "2/2"] and lines[1].startswith("bowl")
    assert lines[2].split()[-2:] == ["20", "35"]  # medians of 10, 30 and of 40, 30
    assert lines[3].split()[-2:] == ["—", "—"]  # every bowl run arrives
    assert lines[4].split()[-2:] == ["1/2", "1/2"] and lines[4].startswith("beale")
    assert lines[6].split()[-2:] == ["2.0e+00", "div"]


# ---------------------------------------------------------------------------------------------
# Tuning: cost and tie-break


def fake_run(steps_to, diverged, final_loss):
    """Stands in for trajectories.run: the results of a grid of learning rates, one start."""

    def run(grid, surface, **kwargs):
        return SimpleNamespace(
            steps_to=lambda tolerance: np.array([steps_to]),
            diverged=np.array([diverged]),
            final_loss=np.array([final_loss], dtype=float) + surface.min_value,
        )

    return run


@pytest.mark.parametrize(
    "steps_to, diverged, final_loss, chosen",
    [
        # the fewest steps wins
        ([50, 20, 80, -1], [False] * 4, [0, 0, 0, 1], 0.02),
        # never reaching costs `steps` (100), diverging twice that: not reaching beats diverging
        ([-1, -1, -1, -1], [True, False, True, True], [9, 5, 9, 9], 0.02),
        # among equal costs the lower final loss wins
        ([-1, -1, 100, -1], [False] * 4, [3.0, 2.0, 1.0, 4.0], 0.03),
        # a tie in both: the first (smallest) learning rate
        ([40, 40, 60, 40], [False] * 4, [0, 0, 0, 0], 0.01),
    ],
)
def test_tuned_cost_and_tie_break(monkeypatch, steps_to, diverged, final_loss, chosen):
    monkeypatch.setattr(
        experiments, "run", fake_run(steps_to, diverged, np.array(final_loss, dtype=float))
    )
    monkeypatch.setattr(
        experiments, "get_surface", lambda s: SimpleNamespace(starts=[(0.0, 1.0)], min_value=0.5)
    )
    rates = [0.01, 0.02, 0.03, 0.04]
    best = experiments.tuned("gd", "bowl", learning_rates=rates, steps=100)
    assert best.learning_rate == chosen


def test_tuned_on_a_real_surface_picks_a_converging_rate():
    best = experiments.tuned("gd", "bowl", learning_rates=[1e-4, 0.05, 0.5], steps=300)
    assert best.learning_rate == 0.05  # 1e-4 is too slow, 0.5 diverges (2/λ = 0.2)


# ---------------------------------------------------------------------------------------------
# Verdicts


@pytest.mark.parametrize(
    "rate, verdict",
    [
        (1.0, "holds"),
        (0.8, "holds"),
        (0.7999, "holds partly"),
        (0.5, "holds partly"),
        (0.4999, "does not hold"),
        (0.0, "does not hold"),
    ],
)
def test_judge_at_its_thresholds(rate, verdict):
    assert verdicts.judge(rate) == experiments.judge(rate) == verdict


def test_judge_with_other_thresholds():
    assert verdicts.judge(0.6, holds=0.6, partly=0.3) == "holds"
    assert verdicts.judge(0.3, holds=0.6, partly=0.3) == "holds partly"


def test_a_verdict_shows_as_text_html_and_json():
    v = experiments.verdict("A <claim>", "an experiment", "holds partly", "60 %", notebook="01_x")
    bundle = v._repr_mimebundle_()
    assert bundle["text/plain"] == (
        "CLAIM: A <claim>\nEXPERIMENT: an experiment\nVERDICT: HOLDS PARTLY: 60 %"
    )
    assert "A &lt;claim&gt;" in bundle["text/html"]
    assert verdicts.COLOURS["holds partly"] in bundle["text/html"]
    assert bundle[verdicts.CLAIM_MIMETYPE]["verdict"] == "holds partly"
    with pytest.raises(ValueError, match="verdict must be one of"):
        verdicts.verdict("c", "e", "mostly", "")


def test_claims_are_read_back_from_notebooks_and_tabled(tmp_path):
    claim = verdicts.verdict("Adam <is> fast", "a race", "does not hold", "12 %").data
    outputs = [{"output_type": "display_data", "data": {verdicts.CLAIM_MIMETYPE: claim}}]
    notebook = {"cells": [{"cell_type": "code", "outputs": outputs}]}
    (tmp_path / "05_adam.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "notes.ipynb").write_text(json.dumps(notebook))  # not a course notebook
    claims = verdicts.collect_claims(tmp_path)
    assert claims == [{**claim, "notebook": "05_adam"}]
    table = verdicts.claims_table_html(claims)
    assert table.count("<tr>") == 2 and "Adam &lt;is&gt; fast" in table
    assert f"color:{verdicts.COLOURS['does not hold']}" in table


# ---------------------------------------------------------------------------------------------
# Groups and ranks (notebook 08)


def test_group_win_rates():
    stars = {"gd": 1, "momentum": 2, "adam": 3, "rmsprop": 3}
    order = ["adam", "momentum", "gd", "rmsprop"]
    # the one earlier in `order` wins: momentum beats gd, adam beats both, rmsprop neither
    rates = experiments.group_win_rates(lambda a, b: float(order.index(a) < order.index(b)), stars)
    assert rates == {(2, 1): 1.0, (3, 2): 0.5, (3, 1): 0.5, "all": 3 / 5}


def test_share_smaller_counts_ties_half():
    values = {"a": 0.1, "b": 0.5, "x": 0.3, "y": 0.1005}
    assert experiments.share_smaller(values, ["a", "b"], ["x", "y"]) == (1 + 1 + 0 + 0) / 4
    assert experiments.share_smaller(values, ["a", "b"], ["x", "y"], tie=1e-3) == 1.5 / 4


def test_ranks_and_spearman():
    np.testing.assert_array_equal(experiments.ranks([0.3, 0.1, 0.2]), [3, 1, 2])
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=9), rng.normal(size=9)
    d = experiments.ranks(a) - experiments.ranks(b)
    closed_form = 1 - 6 * np.sum(d**2) / (9 * (9**2 - 1))  # for rankings without ties
    assert experiments.spearman(a, b) == pytest.approx(closed_form)
    assert experiments.spearman(a, a) == pytest.approx(1.0)
    assert experiments.spearman(a, -a) == pytest.approx(-1.0)


# ---------------------------------------------------------------------------------------------
# Reading a training history


def history(**metrics):
    return SimpleNamespace(history=metrics)


def test_best_epoch_and_the_accuracy_there():
    h = history(val_loss=[0.9, 0.5, np.nan, 0.6], val_accuracy=[0.6, 0.8, 0.1, 0.85])
    assert training.best_epoch(h) == (2, 0.5)
    assert training.accuracy_at_best(h) == 0.8
    assert training.best(h) == 0.5 and training.best(h, "val_accuracy") == 0.85


def test_final_loss_of_a_diverged_run_is_infinite():
    assert training.final_loss(history(loss=[2.0, 1.5])) == 1.5
    assert training.final_loss(history(loss=[2.0, np.nan])) == np.inf
