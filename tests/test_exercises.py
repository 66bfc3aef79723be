"""Every exercise: its reference passes its own check, every listed mistake is recognised,
the unanswered template gets "not answered", and a crashing answer is reported, not raised."""

import importlib
import pkgutil

import pytest

import helpers.exercises
from helpers.exercises import FunctionExercise, ValueExercise, check
from helpers.exercises.core import get


def all_exercises():
    found = []
    for info in pkgutil.iter_modules(helpers.exercises.__path__):
        if info.name == "core":
            continue
        module = importlib.import_module(f"helpers.exercises.{info.name}")
        for key, exercise in module.EXERCISES.items():
            found.append(pytest.param(exercise, id=f"{info.name}.{key}"))
    return found


def test_there_are_exercises():
    assert len(list(all_exercises())) >= 4


@pytest.mark.parametrize("exercise", all_exercises())
def test_the_reference_passes_and_the_name_resolves(exercise):
    assert get(exercise.name) is exercise
    if isinstance(exercise, FunctionExercise):
        result = check(exercise.name, exercise.reference)
    else:
        answer = exercise.answer() if callable(exercise.answer) else exercise.answer
        result = check(exercise.name, answer)
    assert result.ok is True, result.message
    assert "✓" in repr(result) and "Correct" in result._repr_html_()


@pytest.mark.parametrize("exercise", all_exercises())
def test_mistakes_are_recognised(exercise):
    if isinstance(exercise, FunctionExercise):
        for explanation, wrong in exercise.mistakes:
            result = check(exercise.name, wrong)
            assert result.ok is False and result.message == explanation
    else:
        for wrong, hint in exercise.hints:
            result = check(exercise.name, wrong)
            assert result.ok is False and result.message == hint


@pytest.mark.parametrize("exercise", all_exercises())
def test_unanswered_and_broken_answers(exercise):
    if isinstance(exercise, FunctionExercise):

        def template(**kwargs):
            raise NotImplementedError

        def broken(**kwargs):
            return 1 / 0

        assert check(exercise.name, template).ok is None
        result = check(exercise.name, broken)
        assert result.ok is False and "ZeroDivisionError" in result.message
    else:
        assert check(exercise.name, None).ok is None
        assert check(exercise.name, "many").ok is False


def test_a_wrong_answer_shows_the_first_case_that_differs():
    result = check(
        "gradient_descent.step", lambda theta, grad, learning_rate: theta - 2 * learning_rate * grad
    )
    assert result.ok is False and "case 1 of 3 differs" in result.message
    assert "expected" in result.message and "got" in result.message


def test_an_answer_that_changes_its_inputs_is_still_judged_on_its_result():
    def in_place(theta, grad, learning_rate):
        theta -= learning_rate * grad
        return theta

    assert check("gradient_descent.step", in_place).ok is True


def test_unknown_exercise():
    with pytest.raises(ValueError, match="no exercise called 'nope.step'"):
        check("nope.step", None)


def test_value_exercises_check_the_number():
    assert isinstance(get("momentum.terminal_velocity"), ValueExercise)
    assert check("momentum.terminal_velocity", 0.2).ok is True
    assert check("momentum.terminal_velocity", 0.25).ok is False
