"""Every fact about each optimizer and hyperparameter of the course, in one place.

One record per optimizer (``OPTIMIZERS``), keyed by its course name ("gd", "momentum", "adam",
…): the rule that computes it (a class of ``helpers.optimizers``, by name) and the defaults that
differ from the Keras class's own, its display name, colour and marker, its family, the
hyperparameters its explorer shows as sliders, and its stability limit on a quadratic where a
simple one exists. One record per hyperparameter (``HYPERPARAMETERS``): its book symbol and its
slider's scale and range.

Adding an optimizer to the course is one ``Record`` below (and, for a new rule, its class in
``helpers.optimizers``); the tests check that every record has a rule, a Keras counterpart, a
colour, a marker and sliders. This module imports nothing of the course: the others read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Hyperparameter:
    """A Keras argument's book symbol, and its explorer slider: scale ("log", "one_minus_log"
    for β-like values, whose slider moves log10(1 − β), or "linear"), range and step (on a log
    scale, in powers of ten)."""

    symbol: str
    scale: str
    low: float
    high: float
    step: float


HYPERPARAMETERS = {
    "learning_rate": Hyperparameter("η", "log", -5.0, 1.0, 0.05),
    "momentum": Hyperparameter("β", "one_minus_log", -4.0, 0.0, 0.05),
    "rho": Hyperparameter("ρ", "one_minus_log", -4.0, 0.0, 0.05),
    "beta_1": Hyperparameter("β1", "one_minus_log", -4.0, 0.0, 0.05),
    "beta_2": Hyperparameter("β2", "one_minus_log", -5.0, 0.0, 0.05),
    "epsilon": Hyperparameter("ε", "log", -10.0, 0.0, 0.1),
    "weight_decay": Hyperparameter("λ", "log", -5.0, 0.0, 0.1),
    "initial_accumulator_value": Hyperparameter("s₀", "linear", 0.0, 1.0, 0.01),
}


@dataclass(frozen=True)
class StabilityLimit:
    """The largest stable η on J = ½λθ² as a formula to show and a function of the optimizer's
    hyperparameters and the curvature λ (each follows from the step's characteristic
    polynomial; a test checks them against runs just below and just above the limit)."""

    formula: str
    rate: Callable[[float, float], float]  # (curvature λ, momentum β) -> the largest η


GD_LIMIT = StabilityLimit("2/λmax", lambda curvature, momentum: 2.0 / curvature)
HEAVY_BALL_LIMIT = StabilityLimit(
    "2(1 + β)/λmax", lambda curvature, momentum: 2.0 * (1 + momentum) / curvature
)
NESTEROV_LIMIT = StabilityLimit(
    "2(1 + β)/((1 + 2β)λmax)",
    lambda curvature, momentum: 2.0 * (1 + momentum) / ((1 + 2 * momentum) * curvature),
)


@dataclass(frozen=True)
class Record:
    """What the course knows of one optimizer (see the module's docstring)."""

    rule: str  # the class in helpers.optimizers that computes it
    display: str
    color: str  # from Petroff's accessible 10-colour sequence; near-black for gradient descent
    marker: str
    family: str  # "sgd" (gradient descent and momentum methods) or "adaptive"
    sliders: tuple[str, ...]  # the hyperparameters the explorer shows, in this order
    defaults: dict = field(default_factory=dict)  # where the course differs from Keras's class
    stability: StabilityLimit | None = None
    listed: bool = True  # in NAMES, the course's menu of optimizers


ETA = ("learning_rate",)
ADAM_LIKE = ("learning_rate", "beta_1", "beta_2", "epsilon")

OPTIMIZERS = {
    "gd": Record(
        rule="SGD",
        display="Gradient descent",
        color="#222222",
        marker="o",
        family="sgd",
        sliders=ETA,
        stability=GD_LIMIT,
    ),
    "momentum": Record(
        rule="SGD",
        defaults={"momentum": 0.9},
        display="Momentum",
        color="#ffa90e",
        marker="s",
        family="sgd",
        sliders=("learning_rate", "momentum"),
        stability=HEAVY_BALL_LIMIT,
    ),
    "nesterov": Record(
        rule="SGD",
        defaults={"momentum": 0.9, "nesterov": True},
        display="Nesterov",
        color="#bd1f01",
        marker="D",
        family="sgd",
        sliders=("learning_rate", "momentum"),
        stability=NESTEROV_LIMIT,
    ),
    "nesterov_lookahead": Record(
        rule="NesterovLookahead",
        display="Nesterov (look-ahead form)",
        color="#92dadd",
        marker="d",
        family="sgd",
        sliders=("learning_rate", "momentum"),
        stability=NESTEROV_LIMIT,
        listed=False,  # the book's form of "nesterov", for comparing the two
    ),
    "adagrad": Record(
        rule="Adagrad",
        display="AdaGrad",
        color="#a96b59",
        marker="^",
        family="adaptive",
        sliders=("learning_rate", "epsilon", "initial_accumulator_value"),
    ),
    "rmsprop": Record(
        rule="RMSprop",
        display="RMSProp",
        color="#832db6",
        marker="v",
        family="adaptive",
        sliders=("learning_rate", "rho", "epsilon"),
    ),
    "adam": Record(
        rule="Adam",
        display="Adam",
        color="#3f90da",
        marker="P",
        family="adaptive",
        sliders=ADAM_LIKE,
    ),
    "adamax": Record(
        rule="Adamax",
        display="AdaMax",
        color="#b9ac70",
        marker="X",
        family="adaptive",
        sliders=ADAM_LIKE,
    ),
    "nadam": Record(
        rule="Nadam",
        display="Nadam",
        color="#e76300",
        marker="*",
        family="adaptive",
        sliders=ADAM_LIKE,
    ),
    "adamw": Record(
        rule="AdamW",
        display="AdamW",
        color="#717581",
        marker="h",
        family="adaptive",
        sliders=("learning_rate", "weight_decay", "beta_1", "beta_2", "epsilon"),
    ),
}

# The course's optimizers, in the order menus and tables list them, and the old per-fact tables
# (read-only views made once; the functions below read the records themselves).
NAMES = tuple(name for name, entry in OPTIMIZERS.items() if entry.listed)
SYMBOLS = {name: h.symbol for name, h in HYPERPARAMETERS.items()}
DISPLAY_NAMES = {name: entry.display for name, entry in OPTIMIZERS.items()}
COLORS = {name: entry.color for name, entry in OPTIMIZERS.items()}
MARKERS = {name: entry.marker for name, entry in OPTIMIZERS.items()}
UNKNOWN_COLOR = "#444444"


def record(name: str) -> Record:
    """The record of an optimizer by course name (a ValueError lists the known names)."""
    try:
        return OPTIMIZERS[name]
    except KeyError:
        known = ", ".join(OPTIMIZERS)
        raise ValueError(f"unknown optimizer {name!r}; choose from {known}") from None


def display_name(name: str) -> str:
    """The name to show ("Gradient descent", "Adam", …); an unknown name as it is."""
    entry = OPTIMIZERS.get(name)
    return entry.display if entry is not None else name


def color(name: str) -> str:
    """The optimizer's colour across the course (grey for a name the course does not know)."""
    entry = OPTIMIZERS.get(name)
    return entry.color if entry is not None else UNKNOWN_COLOR


def marker(name: str) -> str:
    entry = OPTIMIZERS.get(name)
    return entry.marker if entry is not None else "o"


def family(name: str) -> str:
    """The family: "sgd" for gradient descent and the momentum methods, else "adaptive"."""
    entry = OPTIMIZERS.get(name)
    return entry.family if entry is not None else "adaptive"


def sliders(name: str) -> tuple[str, ...]:
    """The hyperparameters the explorer shows for an optimizer (η alone for an unknown one)."""
    entry = OPTIMIZERS.get(name)
    return entry.sliders if entry is not None else ("learning_rate",)
