"""Every exercise: its reference passes its own check, every listed mistake is recognised,
the unanswered template gets "not answered", and a crashing answer is reported, not raised."""

import importlib
import pkgutil

import numpy as np
import pytest

import helpers.exercises
from helpers.exercises import ChoiceExercise, FunctionExercise, ValueExercise, check
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


# ---------------------------------------------------------------------------------------------
# The exercises' reference rules agree with the course's optimizers, where the forms agree (the
# book's Adam, AdamW and Nadam forms differ from Keras's on purpose: notebooks 05-07 show how).


def _agreement_cases():
    from helpers import optimizers as O
    from helpers.exercises import adagrad, adam, momentum, nesterov, rmsprop

    def sgd_momentum(theta, m, grad, learning_rate, momentum):
        opt = O.SGD(learning_rate=learning_rate, momentum=momentum)
        theta, state = opt.update(theta, grad, {"iterations": 0, "momentum": m})
        return theta, state["momentum"]

    def keras_nesterov(phi, m, grad, learning_rate, momentum):
        opt = O.SGD(learning_rate=learning_rate, momentum=momentum, nesterov=True)
        phi, state = opt.update(phi, grad, {"iterations": 0, "momentum": m})
        return phi, state["momentum"]

    def book_nesterov(theta, m, grad_fn, learning_rate, momentum):
        opt = O.NesterovLookahead(learning_rate=learning_rate, momentum=momentum)
        state = {"iterations": 0, "momentum": m}
        theta, state = opt.update(theta, grad_fn(opt.gradient_point(theta, state)), state)
        return theta, state["momentum"]

    def adagrad_step(theta, s, grad, learning_rate, epsilon):
        opt = O.Adagrad(learning_rate=learning_rate, epsilon=epsilon)
        theta, state = opt.update(theta, grad, {"iterations": 0, "accumulator": s})
        return theta, state["accumulator"]

    def rmsprop_step(theta, s, grad, learning_rate, rho, epsilon):
        opt = O.RMSprop(learning_rate=learning_rate, rho=rho, epsilon=epsilon)
        theta, state = opt.update(theta, grad, {"iterations": 0, "velocity": s})
        return theta, state["velocity"]

    def keras_adam(theta, m, s, grad, t, learning_rate, beta_1, beta_2, epsilon):
        opt = O.Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
        state = {"iterations": t - 1, "momentum": m, "velocity": s}
        theta, state = opt.update(theta, grad, state)
        return theta, state["momentum"], state["velocity"]

    def adagrad_effective(t, grad, learning_rate, initial_accumulator_value, epsilon=1e-7):
        opt = O.Adagrad(learning_rate, initial_accumulator_value, epsilon)
        state = opt.init(np.zeros(1))
        for _ in range(t):
            _, state = opt.update(np.zeros(1), np.full(1, grad), state)
        return float(opt.effective_step(state)[0])

    return [
        ("momentum.step", momentum.reference, sgd_momentum),
        ("nesterov.keras_step", nesterov.keras_step_reference, keras_nesterov),
        ("nesterov.step", nesterov.step_reference, book_nesterov),
        ("adagrad.step", adagrad.step_reference, adagrad_step),
        ("adagrad.effective_learning_rate", adagrad.effective_reference, adagrad_effective),
        ("rmsprop.step", rmsprop.reference, rmsprop_step),
        ("adam.step", adam._keras_form, keras_adam),  # Keras's form, a listed mistake,
    ]


@pytest.mark.parametrize("name, reference, course", _agreement_cases())
def test_reference_rules_agree_with_the_course_optimizers(name, reference, course):
    """On the exercise's own cases (whose inputs its check draws), the reference rule and the
    course's optimizer give the same numbers."""
    cases = get(name).cases(np.random.default_rng(0))
    assert cases
    for case in cases:
        ours, theirs = reference(**case), course(**case)
        ours, theirs = np.atleast_1d(ours) if np.ndim(ours) == 0 else ours, theirs
        theirs = np.atleast_1d(theirs) if np.ndim(theirs) == 0 else theirs
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15, err_msg=f"{name}: {case}")


def test_choice_exercises_check_the_prediction():
    assert isinstance(get("momentum.predict_beta"), ChoiceExercise)
    assert check("momentum.predict_beta", " Further ").ok is True
    wrong = check("momentum.predict_beta", "closer")
    assert wrong.ok is False and "friction" in wrong.message
    assert "one of 'closer', 'further'" in check("momentum.predict_beta", "faster").message
    assert check("momentum.predict_beta", ...).ok is None
