"""Exercises of notebook 11, the loss landscape."""

import numpy as np

from .core import FunctionExercise, ValueExercise

N_PARAMETERS = 784 * 100 + 100 + 2 * (100 * 100 + 100) + 100 * 10 + 10  # the book's MLP


def reference(offsets, directions):
    inside = offsets @ directions.T
    return np.sum(inside**2) / np.sum(offsets**2)


def _cases(rng):
    cases = []
    for n, k in ((5, 3), (40, 6), (200, 11)):
        q, _ = np.linalg.qr(rng.normal(size=(n, 2)))
        cases.append({"offsets": rng.normal(size=(k, n)), "directions": q.T})
    return cases


EXERCISES = {
    "explained": FunctionExercise(
        name="landscape.explained",
        reference=reference,
        cases=_cases,
        mistakes=[
            (
                "that compares lengths, not squared lengths: the share is Σ‖projection‖² / "
                "Σ‖offset‖², as in PCA's explained variance.",
                lambda offsets, directions: (
                    np.sum(np.linalg.norm(offsets @ directions.T, axis=1))
                    / np.sum(np.linalg.norm(offsets, axis=1))
                ),
            ),
            (
                "that keeps only the first direction: the plane has two, and the share adds "
                "the squared coordinates along both.",
                lambda offsets, directions: (
                    np.sum((offsets @ directions[0]) ** 2) / np.sum(offsets**2)
                ),
            ),
            (
                "that is the share left out of the plane, 1 − the answer: the squared length "
                "inside the plane goes on top.",
                lambda offsets, directions: 1 - reference(offsets, directions),
            ),
        ],
        success="Σ (coordinates)² / Σ ‖offset‖²: with orthonormal directions, the coordinates "
        "are dot products, and the squared length inside the plane is their squared sum.",
    ),
    "random_share": ValueExercise(
        name="landscape.random_share",
        answer=2 / N_PARAMETERS,
        rtol=1e-2,
        hints=[
            (
                1 / N_PARAMETERS,
                "that is one random direction; a plane has two, and their shares add up.",
            ),
            (
                2 / np.sqrt(N_PARAMETERS),
                "the expected squared cosine is 1/n, not 1/√n (1/√n is the typical size of "
                "the cosine itself).",
            ),
            (0.5, "in two dimensions a random plane would hold everything; here n is huge."),
        ],
        success=f"2/n = 2/{N_PARAMETERS:,} ≈ {2 / N_PARAMETERS:.1e}: a random plane misses "
        "almost all of a path in ~100,000 dimensions.",
    ),
}
