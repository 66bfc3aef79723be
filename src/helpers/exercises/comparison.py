"""Exercises of notebook 08, every optimizer compared."""

import numpy as np

from .core import FunctionExercise, ValueExercise

# --- 1. Spearman's rank correlation ------------------------------------------------------------


def ranks(values):
    """The rank of each value, 1 for the smallest (no ties)."""
    return np.argsort(np.argsort(values)) + 1


def spearman_reference(a, b):
    """Spearman's ρ: the correlation of the ranks, 1 − 6 Σd² / (n(n² − 1)) without ties."""
    d = ranks(a) - ranks(b)
    n = len(a)
    return 1 - 6 * float(np.sum(d * d)) / (n * (n * n - 1))


def _spearman_cases(rng):
    return [
        {"a": rng.normal(size=n) * scale, "b": rng.normal(size=n) * scale}
        for n, scale in ((9, 1.0), (6, 0.3), (12, 2.0))
    ]


def _pearson_values(a, b):
    return float(np.corrcoef(a, b)[0, 1])


def _one_argsort(a, b):
    return float(np.corrcoef(np.argsort(a), np.argsort(b))[0, 1])


def _values_not_ranks(a, b):
    n = len(a)
    return 1 - 6 * float(np.sum((a - b) ** 2)) / (n * (n * n - 1))


# --- 2. The best learning rate of a sweep ------------------------------------------------------


def best_learning_rate_reference(val_losses):
    """The learning rate whose run reached the lowest validation loss at any epoch; runs whose
    losses are all NaN (diverged from the start) are skipped, NaN epochs are ignored."""
    best = {
        lr: float(np.nanmin(losses))
        for lr, losses in val_losses.items()
        if not np.isnan(np.asarray(losses, dtype=float)).all()
    }
    return min(best, key=best.get)


def _best_cases(rng):
    nan = float("nan")
    first = {
        0.1: np.array([2.0, nan, nan, nan]),  # diverged after the first epoch
        0.03: np.array([0.50, 0.36, 0.33, 0.40]),  # the best epoch, then it overfits
        0.01: np.array([0.60, 0.45, 0.39, 0.37]),
        0.003: np.array([0.90, 0.70, 0.60, 0.55]),
    }
    cases = [{"val_losses": first}]
    for n_rates in (5, 3):
        rates = [float(r) for r in 0.001 * 3.0 ** np.arange(n_rates)]
        curves = {}
        for lr in rates:
            start, floor = rng.uniform(0.6, 1.0), rng.uniform(0.3, 0.5)
            curve = floor + (start - floor) * np.exp(-np.arange(6) / rng.uniform(1, 3))
            curves[lr] = curve + rng.uniform(0, 0.03, size=6)
        cases.append({"val_losses": curves})
    return cases


def _nan_wins(val_losses):
    return min(val_losses, key=lambda lr: np.min(val_losses[lr]))


def _last_epoch(val_losses):
    def last(lr):
        value = float(np.asarray(val_losses[lr])[-1])
        return value if np.isfinite(value) else np.inf

    return min(val_losses, key=last)


def _the_loss(val_losses):
    lr = best_learning_rate_reference(val_losses)
    return float(np.nanmin(val_losses[lr]))


# --- 3. One swap in a ranking of nine ---------------------------------------------------------

N_OPTIMIZERS = 9
ONE_SWAP = 1 - 6 * 2 / (N_OPTIMIZERS * (N_OPTIMIZERS**2 - 1))


EXERCISES = {
    "spearman": FunctionExercise(
        name="comparison.spearman",
        reference=spearman_reference,
        cases=_spearman_cases,
        mistakes=[
            (
                "that is Pearson's correlation of the values themselves; Spearman's ρ correlates "
                "their ranks (replace each value by its place, 1 for the smallest).",
                _pearson_values,
            ),
            (
                "one np.argsort gives the order (which item is first, second, …), not each "
                "item's rank: the rank is np.argsort(np.argsort(values)).",
                _one_argsort,
            ),
            (
                "d must be the difference of the ranks, not of the values.",
                _values_not_ranks,
            ),
        ],
        success="ρ = 1 − 6 Σd²/(n(n² − 1)), the correlation of the ranks.",
    ),
    "best_learning_rate": FunctionExercise(
        name="comparison.best_learning_rate",
        reference=best_learning_rate_reference,
        cases=_best_cases,
        mistakes=[
            (
                "a diverged run (NaN losses) won: np.min returns NaN, and NaN is neither smaller "
                "nor larger than anything, so min() keeps it. Use np.nanmin and skip the runs "
                "whose losses are all NaN.",
                _nan_wins,
            ),
            (
                "that is the learning rate with the lowest loss at the last epoch; early stopping "
                "keeps the best epoch, so compare each run's lowest loss.",
                _last_epoch,
            ),
            (
                "the function returns the best loss; it should return the learning rate that "
                "reached it.",
                _the_loss,
            ),
        ],
        success="the lowest validation loss at any epoch, NaN-safe: the rule the sweep above uses.",
    ),
    "one_swap": ValueExercise(
        name="comparison.one_swap",
        answer=ONE_SWAP,
        hints=[
            (
                1 - 6 * 1 / (N_OPTIMIZERS * (N_OPTIMIZERS**2 - 1)),
                "both swapped optimizers move by one place: Σd² = 1² + 1² = 2.",
            ),
            (
                1 - 2 * 1 / (N_OPTIMIZERS * (N_OPTIMIZERS - 1) / 2),
                "that is Kendall's τ (1 − 2 × discordant pairs / pairs); Spearman's ρ uses the "
                "squared differences of the ranks.",
            ),
            (1.0, "a swap does change the ranking, so ρ is below 1."),
        ],
        success="ρ = 1 − 6 × 2/(9 × 80) ≈ 0.983: one swap of neighbours barely moves ρ.",
    ),
}
