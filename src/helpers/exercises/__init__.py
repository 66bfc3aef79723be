"""Exercises with automatic checks.

In a notebook, the learner writes a function (or computes a number) and asks for a check::

    from helpers.exercises import check

    def momentum_step(theta, m, grad, learning_rate=0.01, momentum=0.9):
        ...
        return theta, m

    check("momentum.step", momentum_step)

``check`` runs the answer against the reference on several random cases and says what is
right, or which common mistake the answer makes, or shows the first case that differs. A
function that still raises ``NotImplementedError`` (the unanswered template) gets a friendly
"not answered yet", never an exception, so that the notebooks run top to bottom unanswered.

Exercise names are "<module>.<exercise>": the module ``helpers.exercises.<module>`` holds a
dict ``EXERCISES`` of them (one module per notebook).
"""

from .core import Check, ChoiceExercise, Exercise, FunctionExercise, ValueExercise, check

__all__ = [
    "Check",
    "ChoiceExercise",
    "Exercise",
    "FunctionExercise",
    "ValueExercise",
    "check",
]
