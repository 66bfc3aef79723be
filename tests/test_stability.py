"""Stability maps, computed without drawing: on a quadratic the diverged region is the one past
each setting's stability limit, and the best setting converges."""

import numpy as np

from helpers import optimizers, plotting, surfaces
from helpers.stability import GAP_FLOOR, StabilityMap, compute_stability_map


def test_the_map_diverges_exactly_past_the_heavy_ball_limit():
    bowl = surfaces.get("bowl")
    rates, betas = np.logspace(-2, 0, 41), np.linspace(0.0, 0.9, 10)
    data = compute_stability_map(
        "momentum", bowl, ("learning_rate", rates), ("momentum", betas), steps=400
    )
    assert isinstance(data, StabilityMap) and data.final_gap.shape == (10, 41)
    limit = np.array(
        [
            [
                optimizers.stable_learning_rate(
                    optimizers.get("momentum", momentum=b), bowl.max_curvature
                )
                for _ in rates
            ]
            for b in betas
        ]
    )
    clear = np.abs(rates[None, :] / limit - 1) > 0.05  # away from the edge, where runs are slow
    np.testing.assert_array_equal(data.diverged[clear], (rates[None, :] > limit)[clear])
    assert data.diverged.any() and not data.diverged.all()
    assert (data.final_gap >= GAP_FLOOR).all() and np.isinf(data.final_gap[data.diverged]).all()
    best = data.best()
    assert best["steps_to"] > 0 and best["learning_rate"] < optimizers.stable_learning_rate(
        optimizers.get("momentum", momentum=best["momentum"]), bowl.max_curvature
    )


def test_plotting_keeps_its_names():
    assert plotting.compute_stability_map is compute_stability_map
    assert plotting.StabilityMap is StabilityMap and plotting.GAP_FLOOR == GAP_FLOOR
