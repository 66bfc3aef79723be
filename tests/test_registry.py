"""The registry: every optimizer the course names has a rule, a Keras counterpart, a colour, a
marker, sliders and a family, and the other modules read their facts from it."""

from __future__ import annotations

import dataclasses
import inspect

import matplotlib.colors
import matplotlib.markers
import pytest

from helpers import optimizers, plotting, registry, surfaces, widgets
from helpers.registry import OPTIMIZERS, Record


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_record_has_a_rule_that_takes_its_defaults(name):
    entry = OPTIMIZERS[name]
    rule = getattr(optimizers, entry.rule)
    assert inspect.isclass(rule) and issubclass(rule, optimizers.Optimizer)
    fields = {f.name for f in dataclasses.fields(rule)}
    assert set(entry.defaults) <= fields
    opt = optimizers.get(name)
    assert type(opt) is rule
    assert all(getattr(opt, k) == v for k, v in entry.defaults.items())


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_record_has_a_keras_counterpart(name, keras):
    opt = optimizers.get(name)
    assert hasattr(keras.optimizers, opt.keras_name)
    assert isinstance(opt.to_keras(), keras.optimizers.Optimizer)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_record_is_drawn_and_controlled(name):
    entry = OPTIMIZERS[name]
    assert matplotlib.colors.is_color_like(entry.color)
    assert entry.marker in matplotlib.markers.MarkerStyle.markers
    assert entry.family in ("sgd", "adaptive")
    assert entry.display and entry.display != name
    assert entry.sliders[0] == "learning_rate"
    hyperparameters = optimizers.get(name).hyperparameters
    for key in entry.sliders:
        assert key in registry.HYPERPARAMETERS, f"{key} has no slider range"
        assert key in hyperparameters, f"{name} has no {key}"


def test_colours_and_markers_tell_optimizers_apart():
    assert len(set(registry.COLORS.values())) == len(OPTIMIZERS)
    assert len(set(registry.MARKERS.values())) == len(OPTIMIZERS)


def test_the_course_names_and_the_old_tables_come_from_the_records():
    assert optimizers.NAMES == tuple(n for n, e in OPTIMIZERS.items() if e.listed)
    assert "nesterov_lookahead" in OPTIMIZERS and "nesterov_lookahead" not in optimizers.NAMES
    for name, entry in OPTIMIZERS.items():
        assert optimizers.DISPLAY_NAMES[name] == entry.display
        assert plotting.COLORS[name] == plotting.color(name) == entry.color
        assert plotting.MARKERS[name] == entry.marker
        assert widgets.CONTROLLED[name] == entry.sliders
        assert widgets.family(name) == entry.family
    for key, h in registry.HYPERPARAMETERS.items():
        assert optimizers.SYMBOLS[key] == widgets.SLIDERS[key][0] == h.symbol


def test_one_symbol_per_hyperparameter_in_labels_errors_and_sliders():
    label = optimizers.get("adagrad").label
    assert "s₀=0.1" in label
    with pytest.raises(ValueError, match="initial_accumulator_value \\(s₀\\)"):
        optimizers.get("adagrad", initial_accumulator_value=-1.0)
    assert registry.HYPERPARAMETERS["initial_accumulator_value"].symbol == "s₀"


@pytest.mark.parametrize("name", [n for n, e in OPTIMIZERS.items() if e.stability])
def test_the_stability_formula_shown_is_the_limit_computed(name):
    """The explorer's formula text, read with β and λmax, gives stable_learning_rate."""
    beta, curvature = 0.7, 4.0
    opt = optimizers.get(name, momentum=beta) if name != "gd" else optimizers.get(name)
    formula = OPTIMIZERS[name].stability.formula
    expression = formula.replace("λmax", "L").replace("2β", "2*b").replace("β", "b")
    expression = expression.replace("2(", "2*(").replace(")L", ")*L")
    value = eval(expression, {"b": beta, "L": curvature})  # our own formula text
    assert optimizers.stable_learning_rate(opt, curvature) == pytest.approx(value)


def test_unknown_names_are_refused_or_shown_as_they_are():
    with pytest.raises(ValueError, match="unknown optimizer 'sgdd'; choose from gd, momentum"):
        optimizers.get("sgdd")
    assert registry.display_name("mine") == "mine"
    assert plotting.color("mine") == registry.UNKNOWN_COLOR


def test_adding_an_optimizer_is_one_record(monkeypatch):
    """A made-up optimizer (SGD with a larger default η), added as one record only, is known to
    ``get``, drawn in its own colour and marker, and explored with its sliders."""
    made_up = Record(
        rule="SGD",
        defaults={"learning_rate": 0.1},
        display="Fast SGD",
        color="#00aa00",
        marker="p",
        family="sgd",
        sliders=("learning_rate",),
        stability=registry.GD_LIMIT,
    )
    monkeypatch.setitem(OPTIMIZERS, "fast_sgd", made_up)
    opt = optimizers.get("fast_sgd")
    assert isinstance(opt, optimizers.SGD) and opt.learning_rate == 0.1
    assert plotting.color("fast_sgd") == "#00aa00" and registry.marker("fast_sgd") == "p"
    e = widgets.explorer("fast_sgd", surface="bowl", learning_rate=0.05)
    assert set(e.controls) == {"learning_rate", "steps", "surface", "start", "compare"}
    assert e.summary().startswith("Fast SGD explorer on")
    assert e.result.optimizer.learning_rate == 0.05
    bowl = surfaces.get("bowl")
    assert optimizers.stable_learning_rate(opt, bowl.max_curvature) == 2 / bowl.max_curvature
