"""The machinery behind ``helpers.exercises.check``."""

from __future__ import annotations

import html
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

NOT_ANSWERED = "Not answered yet: write your answer above, run that cell, then run this one."


@dataclass
class Check:
    """The outcome of a check: ``ok`` (True, False, or None when not answered) and a message."""

    name: str
    ok: bool | None
    message: str

    def __bool__(self) -> bool:
        return bool(self.ok)

    def __repr__(self) -> str:
        mark = {True: "✓ Correct", False: "✗ Not yet", None: "… Not answered"}[self.ok]
        return f"{mark} ({self.name}): {self.message}"

    def _repr_html_(self) -> str:
        colour = {True: "#1b7837", False: "#b2182b", None: "#555555"}[self.ok]
        mark = {True: "✓ Correct", False: "✗ Not yet", None: "… Not answered"}[self.ok]
        text = html.escape(self.message).replace("\n", "<br>")
        return f"<div style='color:{colour}'><b>{mark}</b> ({html.escape(self.name)}): {text}</div>"


class Exercise:
    """Base class: ``evaluate(answer) -> Check``."""

    def evaluate(self, answer) -> Check:  # pragma: no cover - subclasses define it
        raise NotImplementedError


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _close(a, b, rtol, atol) -> bool:
    a, b = _as_tuple(a), _as_tuple(b)
    if len(a) != len(b):
        return False
    try:
        return all(
            np.shape(x) == np.shape(y) and np.allclose(x, y, rtol=rtol, atol=atol)
            for x, y in zip(a, b)
        )
    except (TypeError, ValueError):
        return False


def _show(value) -> str:
    with np.printoptions(precision=6, suppress=False):
        if isinstance(value, tuple):
            return "(" + ", ".join(_show(v) for v in value) + ")"
        return str(np.asarray(value)) if isinstance(value, (np.ndarray, list)) else repr(value)


@dataclass
class FunctionExercise(Exercise):
    """The learner writes a function; it must agree with ``reference`` on every case.

    cases(rng) returns a list of keyword-argument dicts. ``mistakes`` lists (explanation,
    wrong function) pairs: an answer that agrees with a wrong function gets its explanation.
    Inputs are copied for each call, so an answer that changes its arguments in place is
    still judged on what it returns.
    """

    name: str
    reference: Callable
    cases: Callable[[np.random.Generator], list[dict]]
    mistakes: list[tuple[str, Callable]] = field(default_factory=list)
    success: str = "it agrees with the reference on every case."
    rtol: float = 1e-6
    atol: float = 1e-9
    seed: int = 0

    def evaluate(self, answer) -> Check:
        if answer is None or answer is Ellipsis:
            return Check(self.name, None, NOT_ANSWERED)
        if not callable(answer):
            return Check(self.name, False, f"expected a function, got {type(answer).__name__}.")
        cases = self.cases(np.random.default_rng(self.seed))
        for i, kwargs in enumerate(cases):
            copy = {k: np.copy(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
            try:
                got = answer(**copy)
            except NotImplementedError:
                return Check(self.name, None, NOT_ANSWERED)
            except Exception as error:  # the learner's code: report, never raise
                return Check(
                    self.name,
                    False,
                    f"calling it with {_describe(kwargs)} raised {type(error).__name__}: {error}",
                )
            expected = self.reference(**kwargs)
            if _close(got, expected, self.rtol, self.atol):
                continue
            for explanation, wrong in self.mistakes:
                if _close(got, wrong(**kwargs), self.rtol, self.atol):
                    return Check(self.name, False, explanation)
            return Check(
                self.name,
                False,
                f"case {i + 1} of {len(cases)} differs.\n  inputs: {_describe(kwargs)}\n"
                f"  expected: {_show(expected)}\n  got:      {_show(got)}",
            )
        return Check(self.name, True, self.success)


def _describe(kwargs) -> str:
    return ", ".join(f"{k}={_show(v)}" for k, v in kwargs.items())


@dataclass
class ValueExercise(Exercise):
    """The learner computes a number; it must be within ``rtol`` of ``answer``.

    hints: (wrong value, explanation) pairs for the numbers that common mistakes give.
    """

    name: str
    answer: float | Callable[[], float]
    rtol: float = 1e-3
    hints: list[tuple[float, str]] = field(default_factory=list)
    success: str = "that is the value."

    def evaluate(self, answer) -> Check:
        if answer is None or answer is Ellipsis:
            return Check(self.name, None, NOT_ANSWERED)
        try:
            value = float(answer)
        except (TypeError, ValueError):
            return Check(self.name, False, f"expected a number, got {answer!r}.")
        expected = self.answer() if callable(self.answer) else self.answer
        if np.isclose(value, expected, rtol=self.rtol, atol=0):
            return Check(self.name, True, self.success)
        for wrong, hint in self.hints:
            if np.isclose(value, wrong, rtol=self.rtol, atol=0):
                return Check(self.name, False, hint)
        return Check(self.name, False, f"{value:g} is not it; look again at the formula above.")


@dataclass
class ChoiceExercise(Exercise):
    """The learner predicts one of a few outcomes (a word such as "more" or "less") before
    running the experiment that decides it; the check says whether the prediction was right.

    hints: (wrong option, explanation) pairs.
    """

    name: str
    answer: str
    options: tuple[str, ...]
    hints: list[tuple[str, str]] = field(default_factory=list)
    success: str = "that is what happens."

    def evaluate(self, answer) -> Check:
        if answer is None or answer is Ellipsis:
            return Check(self.name, None, NOT_ANSWERED)
        choices = ", ".join(repr(option) for option in self.options)
        if not isinstance(answer, str) or answer.strip().lower() not in self.options:
            return Check(self.name, False, f"answer with one of {choices}, got {answer!r}.")
        answer = answer.strip().lower()
        if answer == self.answer:
            return Check(self.name, True, self.success)
        for wrong, hint in self.hints:
            if answer == wrong:
                return Check(self.name, False, hint)
        return Check(self.name, False, f"not {answer!r}: run the experiment and look again.")


def get(name: str) -> Exercise:
    """The exercise "<module>.<exercise>" (the module is helpers.exercises.<module>)."""
    module_name, _, key = name.partition(".")
    try:
        module = importlib.import_module(f"{__package__}.{module_name}")
        return module.EXERCISES[key]
    except (ImportError, AttributeError, KeyError):
        raise ValueError(f"no exercise called {name!r}") from None


def check(name: str, answer) -> Check:
    """Check an answer to the exercise ``name``; returns (and displays) a ``Check``."""
    return get(name).evaluate(answer)
