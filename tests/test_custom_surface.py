"""Your own surface: formulas read through a whitelist (each bad one with its message), exact
derivatives against finite differences, functions, default window, starts and minimum, runs on
it, and the explorer's formula box (good and bad input; the last good surface stays)."""

import math
import re

import numpy as np
import pytest

from helpers import formula, optimizers, plotting, surfaces
from helpers.trajectories import run
from helpers.widgets import explorer

# Each bad formula and the message it gives (the whole message, or its start where it lists
# the allowed functions).
BAD = [
    ("", "the formula is empty"),
    ("x**2 +", "not a formula: invalid syntax"),
    ("2x + y", "not a formula: invalid decimal literal at character 1; write 2*x, not 2x"),
    ("x^2 + y^2", "'^' is not a power here: write x**2 for x squared"),
    ("x² + y²", "not a formula: invalid character '²' (U+00B2) at character 2; write x**2 for x²"),
    (
        "x**2 − y",
        "not a formula: invalid character '−' (U+2212) at character 6; write - (the "
        "keyboard's minus) to subtract",
    ),
    (
        "3×x + y",
        "not a formula: invalid character '×' (U+00D7) at character 2; write * to multiply",
    ),
    ("z**2 + y", "unknown name 'z': a formula may use x, y, pi and e"),
    (
        "foo(x) + y",
        "unknown function 'foo': allowed are sin, cos, tan, arcsin, arccos, arctan, "
        "sinh, cosh, tanh, exp, log, sqrt, abs",
    ),
    (
        "np.sin(x) + y",
        "attribute access (np.sin) is not allowed in a formula: write sin(x), not np.sin(x)",
    ),
    ("x.real + y", "attribute access (x.real) is not allowed in a formula"),
    ("import os", "'import' is Python, not part of a formula; a formula may use numbers, x, y"),
    ("x; import os", "'import' is Python, not part of a formula"),
    (
        "__import__('os').system('ls')",
        "attribute access (__import__('os').system) is not allowed in a formula",
    ),
    ("__import__('os')", "unknown function '__import__': allowed are sin"),
    ("lambda: x", "a lambda (lambda: x) is not allowed in a formula"),
    ("[x for x in (1, 2)]", "a comprehension ([x for x in (1, 2)]) is not allowed in a formula"),
    ("x if x > 0 else y", "'if … else' (x if x > 0 else y) is not allowed in a formula"),
    ("x < y", "a comparison (x < y) is not allowed in a formula"),
    ("x[0] + y", "indexing (x[0]) is not allowed in a formula"),
    ("(x, y)", "a tuple ((x, y)) is not allowed in a formula"),
    ("(x := 2) + y", "':=' (x := 2) is not allowed in a formula"),
    ("sin(x, y)", "sin takes one argument; got 2"),
    ("exp + y", "'exp' is a function: write exp(x), say"),
    ("x(2) + y", "'x' is not a function: write x*(…) to multiply"),
    ("'x' + y", "'x' is not a number; a formula may use numbers"),
    ("1j*x + y", "the complex number 1j is not allowed"),
    ("x // 2 + y", "the operator '//' is not allowed; use + - * / **"),
    ("3", "the formula uses neither x nor y: its surface is flat"),
    ("x/(y - y)", "division by zero everywhere: the divisor y - y is 0 all over the window"),
    ("1/0 + x", "division by zero everywhere: the divisor 0 is 0 all over the window"),
    ("log(-1 - x**2 - y**2)", "J is not a finite number anywhere in the window (-5, 5, -5, 5)"),
    ("x**2 + y**2 + 1e999", "J is not a finite number anywhere in the window (-5, 5, -5, 5)"),
    (
        "x + y",
        "J has no minimum inside ±100: it keeps falling beyond the window's edge; give a "
        "window that holds a minimum",
    ),
    ("x" + "+x" * 200, "the formula is too long (401 characters; at most 300)"),
    ("x**" * 60 + "y", "the formula is too intricate: its derivatives take"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[t[:30] or "empty" for t, _ in BAD])
def test_a_bad_formula_says_what_is_wrong_in_one_line(text, message):
    with pytest.raises(surfaces.FormulaError) as caught:
        surfaces.custom(text)
    said = str(caught.value)
    assert said.startswith(message), said
    assert "\n" not in said
    assert isinstance(caught.value, ValueError)


def test_a_formula_is_never_run_as_python(monkeypatch):
    """Reading goes through ast.parse only: eval and exec are never called, and compile only
    to make a syntax tree."""
    import ast
    import builtins

    real_compile = builtins.compile

    def forbidden(*args, **kwargs):
        raise AssertionError("a formula must not be run as code")

    def tree_only(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, "compiled to code"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", tree_only)
    J = formula.Formula("sin(x)*exp(-y**2) + x**2")
    assert J.value(0.0, 0.0) == 0.0
    with pytest.raises(formula.FormulaError):
        formula.Formula("__import__('os').system('echo hacked')")


def test_a_window_without_a_minimum_is_named():
    with pytest.raises(surfaces.FormulaError, match=re.escape("inside the window (1, 2, 1, 2)")):
        surfaces.custom("x**2 + y**2", window=(1, 2, 1, 2))


FORMULAS = [
    "x**2 + 10*y**2",
    "(1 - x)**2 + 100*(y - x**2)**2",
    "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
    "sin(x)*cos(y) + 0.1*(x**2 + y**2)",
    "exp(-(x**2 + 2*y**2)/2)*-1 + 1",
    "log(1 + x**2 + y**2) + 0.1*x*y",
    "sqrt(1 + x**2 + y**2) + tanh(x - y)",
    "x**3/(1 + y**2) - 2**x + y**4/4",
    "arctan(x*y) + cosh(0.3*x) + sinh(0.2*y)**2 - tan(0.1*x)",
    "abs(x) + (y - 1)**2 + x**0.5 * 0 + (1 + x**2)**-1.5",
    "arcsin(0.1*x) + arccos(0.1*y) + e**(0.1*x) + pi*y**2 - (-x)**2",
    "x**y + y**x",  # a power of a variable to a variable
]


def finite_differences(f, x, y, h):
    gx = (f(x + h, y) - f(x - h, y)) / (2 * h)
    gy = (f(x, y + h) - f(x, y - h)) / (2 * h)
    return gx, gy


@pytest.mark.parametrize("text", FORMULAS)
def test_exact_gradient_and_hessian_match_finite_differences(text):
    J = formula.Formula(text)
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0.2, 2.0, 300), rng.uniform(-2.0, 2.0, 300)
    if "x**y" in text:
        y = np.abs(y) + 0.2
    gx, gy = J.gradient(x, y)
    fx, fy = finite_differences(J.value, x, y, 1e-6)
    assert np.max(np.abs([gx - fx, gy - fy]) / (1 + np.abs([gx, gy]))) < 1e-6
    hxx, hxy, hyy = J.hessian(x, y)
    gxx, gxy = finite_differences(lambda a, b: J.gradient(a, b)[0], x, y, 1e-6)
    gyx, gyy = finite_differences(lambda a, b: J.gradient(a, b)[1], x, y, 1e-6)
    H = np.array([hxx, hxy, hyy])
    assert np.max(np.abs(H - [gxx, gxy, gyy]) / (1 + np.abs(H))) < 1e-5
    assert np.max(np.abs(hxy - gyx) / (1 + np.abs(hxy))) < 1e-5


def test_a_formula_agrees_with_the_course_surface_it_writes():
    """Rosenbrock typed in is Rosenbrock: the same values, gradients and Hessians."""
    mine = surfaces.custom("(1 - x)**2 + 100*(y - x**2)**2")
    course = surfaces.get("rosenbrock")
    x, y = np.random.default_rng(2).uniform(-2, 2, (2, 100))
    np.testing.assert_allclose(mine.f(x, y), course.f(x, y), rtol=1e-13)
    np.testing.assert_allclose(mine.grad(x, y), course.grad(x, y), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mine.hessian(x, y), course.hessian(x, y), rtol=1e-12, atol=1e-9)
    assert mine.minima == ((1.0, 1.0),) and mine.min_value == 0.0


def test_whole_powers_are_products_and_exp_log_are_portable():
    from helpers import portable

    x = np.linspace(-1.5, 3, 101)
    J = formula.Formula("x**3 + exp(x) + log(2 + x) + 0*y")
    assert np.array_equal(J.value(x, 0.0), x * (x * x) + portable.exp(x) + portable.log(2 + x))


def test_values_broadcast_and_keep_the_shape():
    J = surfaces.custom("x + x**2 + y**2")
    assert J.f(1.0, 2.0) == 6.0 and np.ndim(J.f(1.0, 2.0)) == 0
    gx, gy = J.grad(np.zeros((3, 4)), 1.0)
    assert gx.shape == gy.shape == (3, 4)
    assert np.all(gx == 1.0) and np.all(gy == 2.0)
    assert J.hessian_matrix(np.zeros((5, 2))).shape == (5, 2, 2)


def test_defaults_window_starts_and_minimum():
    J = surfaces.custom("x**2 + 10*y**2")
    assert isinstance(J, surfaces.Surface)
    assert J.name == J.title == "x**2 + 10*y**2"
    assert J.window == (-5.0, 5.0, -5.0, 5.0)
    assert J.minima == ((0.0, 0.0),) and J.min_value == 0.0
    assert len(J.starts) == 4
    xmin, xmax, ymin, ymax = J.window
    for x, y in J.starts:
        assert xmin < x < xmax and ymin < y < ymax and math.hypot(x, y) > 1
    assert J.max_curvature == pytest.approx(20.0)
    assert "x**2 + 10*y**2" in J.description


def test_a_far_minimum_widens_the_window_and_overrides_are_kept():
    far = surfaces.custom("(x - 30)**2 + (y + 12)**2")
    assert far.window == (-100.0, 100.0, -100.0, 100.0)
    assert far.minima == ((30.0, -12.0),)
    mine = surfaces.custom(
        "(x - 1)**2 + y**2", window=(-1, 3, -2, 2), starts=[(2.5, 1.5)], name="my bowl"
    )
    assert mine.window == (-1.0, 3.0, -2.0, 2.0)
    assert mine.starts == ((2.5, 1.5),)
    assert mine.title == "my bowl"
    with pytest.raises(ValueError, match="window must be"):
        surfaces.custom("x**2 + y**2", window=(1, -1, 0, 1))
    with pytest.raises(ValueError, match="name of a course surface"):
        surfaces.custom("x**2 + y**2", name="bowl")


def test_several_equal_minima_are_all_found():
    J = surfaces.custom("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")
    course = surfaces.get("himmelblau")
    found = np.array(sorted(J.minima))
    np.testing.assert_allclose(found, np.array(sorted(course.minima)), atol=1e-9)
    assert abs(J.min_value) < 1e-20


def test_a_valley_floor_of_minima_marks_the_one_nearest_the_centre():
    J = surfaces.custom("x**2")
    assert J.minima == ((0.0, 0.0),) and J.min_value == 0.0


def test_a_python_function_is_accepted_with_approximate_derivatives():
    J = surfaces.custom(lambda x, y: (x - 1) ** 2 + 4 * np.sin(y) ** 2)
    assert J.name == "custom"
    assert "approximate" in J.description
    x, y = np.random.default_rng(3).uniform(-2, 2, (2, 50))
    gx, gy = J.grad(x, y)
    np.testing.assert_allclose(gx, 2 * (x - 1), rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(gy, 8 * np.sin(y) * np.cos(y), rtol=1e-8, atol=1e-8)
    hxx, hxy, hyy = J.hessian(x, y)
    np.testing.assert_allclose(hxx, 2, atol=1e-5)
    np.testing.assert_allclose(hxy, 0, atol=1e-5)
    np.testing.assert_allclose(hyy, 8 * np.cos(2 * y), atol=1e-5)
    np.testing.assert_allclose(J.minima[0], (1.0, 0.0), atol=1e-7)


def test_a_function_with_exact_derivatives_and_one_on_floats_only():
    def oval(x, y):
        return x * x + 3 * y * y

    J = surfaces.custom(
        oval,
        grad=lambda x, y: (2 * x, 6 * y),
        hessian=lambda x, y: (2 + 0 * x, 0 * x, 6 + 0 * y),
    )
    assert J.name == "oval"  # the function's own name
    assert "exact" in J.description and J.minima == ((0.0, 0.0),)
    scalar_only = surfaces.custom(lambda x, y: math.cos(x) + (y - 2) ** 2, name="cosine")
    assert scalar_only.f(np.zeros(3), np.zeros(3)).shape == (3,)
    found = sorted(scalar_only.minima)  # cos is lowest at ±π in the window ±5
    np.testing.assert_allclose(found, [(-math.pi, 2.0), (math.pi, 2.0)], atol=1e-6)
    with pytest.raises(surfaces.FormulaError, match="could not be evaluated"):
        surfaces.custom(lambda x, y: undefined_name)  # noqa: F821
    with pytest.raises(TypeError, match="computed exactly"):
        surfaces.custom("x**2 + y**2", grad=lambda x, y: (x, y))


def test_optimizers_run_on_your_surface():
    J = surfaces.custom("x**2 + 10*y**2")  # twice the course's bowl of condition 10
    gd = run(optimizers.get("gd", learning_rate=0.04), J, steps=300)
    assert not gd.diverged and gd.final_loss - J.min_value < 1e-8
    bowl = surfaces.get("bowl", condition=10)
    same = run(optimizers.get("gd", learning_rate=0.08), bowl, start=J.start, steps=300)
    np.testing.assert_allclose(gd.path, same.path, rtol=1e-12, atol=1e-300)
    batch = run("adam", J, start=np.array(J.starts), steps=50, record_state=False)
    assert batch.path.shape == (51, 4, 2)
    too_fast = run(optimizers.get("gd", learning_rate=0.11), J, steps=200)  # 2/λmax = 0.1
    assert too_fast.diverged
    assert optimizers.stable_learning_rate(optimizers.get("gd"), J.max_curvature) == 0.1


def test_plots_mark_the_minimum_and_keep_two_functions_of_one_name_apart():
    import matplotlib.pyplot as plt

    a = surfaces.custom(lambda x, y: x**2 + y**2)
    b = surfaces.custom(lambda x, y: (x - 2) ** 2 + y**2)
    assert a.name == b.name == "custom"
    fig, axes = plt.subplots(1, 2)
    try:
        for surface, ax in zip((a, b), axes):
            plotting.draw_surface(surface, ax)
            stars = [line for line in ax.get_lines() if line.get_marker() == "*"]
            assert len(stars) == 1
            np.testing.assert_allclose(stars[0].get_xydata(), surface.minima, atol=1e-7)
        assert not np.allclose(plotting.contour_levels(a), plotting.contour_levels(b))
    finally:
        plt.close(fig)


def test_the_explorer_takes_a_typed_formula():
    e = explorer("gd", surface="bowl", learning_rate=0.05)
    e.formula.text.value = "x**2 + 10*y**2"  # as Enter in the box sends it
    assert e.error == ""
    assert e.controls["surface"].value == "x**2 + 10*y**2"
    assert e.result.surface.title == "x**2 + 10*y**2"
    assert e.controls["start"].value == (-4.0, 3.0)  # the surface's first start
    assert "x**2 + 10*y**2" in e.summary()
    # the menu keeps it: back to the course's surface and to yours
    e.controls["surface"].value = "rosenbrock"
    assert e.result.surface.name == "rosenbrock"
    e.controls["surface"].value = "x**2 + 10*y**2"
    assert e.result.surface.title == "x**2 + 10*y**2"
    assert list(e.controls["surface"].options).count("x**2 + 10*y**2") == 1


IN_THE_BOX = (
    "x^2 + y^2",
    "x² + y²",
    "z**2 + y",
    "__import__('os').system('ls')",
    "x/(y - y)",
    "x + y",
)


@pytest.mark.parametrize("text, message", [b for b in BAD if b[0] in IN_THE_BOX])
def test_a_bad_formula_in_the_explorer_gives_its_message_and_the_surface_stays(text, message):
    e = explorer("adam", surface="saddle")
    e.formula.use("sin(x)*cos(y) + 0.1*(x**2 + y**2)")
    good, result = e._surface, e.result
    e.formula.text.value = text
    e.formula.button.click()
    assert e.error.startswith(message)
    assert html_text(e.message.value).startswith("⚠ " + message[:20])
    assert e._surface is good and e.result is result
    assert e.controls["surface"].value == good.name
    e.controls["learning_rate"].value = 0.07  # the next good move clears the message
    assert e.error == "" and e.result.surface is good


def html_text(value):
    import html

    return html.unescape(re.sub("<[^>]+>", "", value))


def test_an_explorer_made_on_your_surface_resets_to_it():
    J = surfaces.custom("(x - 1)**2 + 3*(y + 1)**2", name="shifted bowl")
    e = explorer("momentum", surface=J, learning_rate=0.01)
    assert e.controls["surface"].value == "shifted bowl"
    assert e.result.surface is J
    e.controls["surface"].value = "beale"
    e.reset()
    assert e._surface is J and e.result.surface is J
    e.formula.text.value = "x**2 + y"  # no minimum: a message, and J stays
    assert e.error.startswith("J has no minimum")
    assert e._surface is J and e.controls["surface"].value == "shifted bowl"
    e.formula.text.value = "shifted bowl"  # a name in the menu selects that surface again
    assert e.error == "" and e._surface is J


def test_a_stability_map_on_your_surface_has_the_gradient_descent_limit():
    """Momentum on x² + 10y² (λmax = 20): stable for η < 2(1 + β)/λmax, and not above."""
    from helpers.stability import compute_stability_map

    J = surfaces.custom("x**2 + 10*y**2")
    etas = np.array([0.05, 0.09, 0.11, 0.2])
    betas = np.array([0.0, 0.5])
    data = compute_stability_map(
        "momentum", J, ("learning_rate", etas), ("momentum", betas), steps=300
    )
    limit = 2 * (1 + betas[:, None]) / 20
    assert np.array_equal(data.diverged_at >= 0, etas[None, :] > limit)


def test_the_schedule_explorer_takes_your_surface():
    from helpers.widgets import schedule_explorer

    J = surfaces.custom("(x**2 - 4)**2/8 + 2*(y - x/2)**2")
    s = schedule_explorer(surface=J, learning_rate=0.05)
    assert s.controls["surface"].value == J.name
    assert J.name in s.summary()
    s.controls["surface"].value = "bowl"
    s.controls["surface"].value = J.name
    assert J.name in s.summary()
