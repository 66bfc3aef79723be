r"""Reference optimizers in NumPy, equal to ``keras.optimizers`` step for step.

Every optimizer is a small frozen dataclass whose fields are the Keras argument names and
defaults, and two pure functions, as in optax::

    opt = Adam(learning_rate=0.001)
    state = opt.init(params)                        # a dict of arrays: data, not attributes
    params, state = opt.update(params, grads, state)

Nothing inside ``opt`` changes; ``update`` returns a new state and never modifies its inputs.
Arrays of any shape work, and so do *arrays of hyperparameters* that broadcast against the
parameters (``helpers.trajectories.run`` uses this to run a whole grid of η at once).

Each ``update`` follows the order of operations of Keras 3's ``update_step``, so that in
float32 both give the same numbers up to rounding. Where Keras writes a rule differently from
Hands-On Machine Learning (the book), the class docstring gives both forms.

``get(name, **hyperparameters)`` builds one by its course name: "gd", "momentum", "nesterov",
"adagrad", "rmsprop", "adam", "adamax", "nadam", "adamw" (and "nesterov_lookahead", the book's
form of Nesterov).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from . import portable, registry
from .deprecation import deprecated_names
from .registry import DISPLAY_NAMES, NAMES, SYMBOLS  # noqa: F401 - NAMES: a public name

State = dict


def _check(name: str, value, low: float, high: float | None = None, *, low_open=False) -> None:
    """Raise a ValueError that names the hyperparameter when value is outside its range."""
    arr = np.asarray(value, dtype=float)
    bad = ~np.isfinite(arr)
    bad |= arr <= low if low_open else arr < low
    if high is not None:
        bad |= arr >= high
    if np.any(bad):
        shown = arr[bad].flat[0] if arr.ndim else float(arr)
        left = "(" if low_open else "["
        right = f"{high:g})" if high is not None else "∞)"
        label = f"{name} ({SYMBOLS[name]})" if name in SYMBOLS else name
        raise ValueError(f"{label} must be in {left}{low:g}, {right}; got {shown:g}")


def _iterations_like(state: State, like: np.ndarray) -> np.ndarray:
    """The step count t as floats, shaped to broadcast against ``like`` (also for a history of
    states, where ``iterations`` has one entry per step)."""
    t = np.asarray(state["iterations"], dtype=float)
    return t.reshape(t.shape + (1,) * (np.ndim(like) - t.ndim))


class _NumPyMath:
    """The few functions the rules need beyond + − × ÷, for NumPy arrays."""

    sqrt = staticmethod(np.sqrt)
    maximum = staticmethod(np.maximum)
    abs = staticmethod(np.abs)
    zeros_like = staticmethod(np.zeros_like)

    @staticmethod
    def cast(value, dtype):
        """A hyperparameter cast to the parameters' dtype, as Keras's ``ops.cast`` does."""
        return np.asarray(value, dtype=dtype)

    @staticmethod
    def full_like(like, value):
        return np.full_like(like, value)

    @staticmethod
    def ones(shape, dtype):
        return np.ones(shape, dtype=dtype)

    @staticmethod
    def power(base, step, dtype):
        """``base`` (cast to dtype, as Keras does) to the power ``step``, computed the same on
        every CPU (``helpers.portable.power``; ``np.power`` rounds differently on AVX2 and
        AVX-512)."""
        return portable.power(np.asarray(base, dtype=dtype), step).astype(dtype)


class _TensorMath:
    """The same functions for tensors, from ``keras.ops``, as Keras's own ``update_step`` uses
    them: the rules below then run inside a TensorFlow program (``helpers.batched`` trains
    many networks at once with them, hyperparameters broadcast over a leading run axis)."""

    def __getattr__(self, name):
        from keras import ops

        if name == "full_like":
            return lambda like, value: ops.zeros_like(like) + ops.cast(value, like.dtype)
        if name == "power":
            return lambda base, step, dtype: ops.power(ops.cast(base, dtype), step)
        return getattr(ops, name)


_NUMPY, _TENSOR = _NumPyMath(), _TensorMath()


def _math(params):
    """NumPy's functions for arrays (and numbers), ``keras.ops`` for tensors."""
    return _NUMPY if isinstance(params, np.ndarray | np.generic | float | int) else _TENSOR


def _average(average, value, beta, dtype, xp=_NUMPY):
    """A decaying average's step, in Keras's form: a + (x − a)(1 − β) = βa + (1 − β)x."""
    return average + (value - average) * xp.cast(1 - np.asarray(beta), dtype)


def _check_adam_family(optimizer) -> None:
    """The Adam family's hyperparameters: β1 and β2 in [0, 1), ε > 0."""
    _check("beta_1", optimizer.beta_1, 0.0, 1.0)
    _check("beta_2", optimizer.beta_2, 0.0, 1.0)
    _check("epsilon", optimizer.epsilon, 0.0, low_open=True)


@dataclass(frozen=True)
class Optimizer:
    """What every optimizer here shares: validation, ``replace``, labels and ``to_keras``."""

    keras_name: ClassVar[str] = ""
    learning_rate: float = 0.001

    def __post_init__(self):
        _check("learning_rate", self.learning_rate, 0.0, low_open=True)
        if getattr(self, "weight_decay", None) is not None:
            _check("weight_decay", self.weight_decay, 0.0)

    # --- the pure interface -------------------------------------------------------------
    def init(self, params: np.ndarray) -> State:  # pragma: no cover - every subclass has it
        raise NotImplementedError

    def update(self, params: np.ndarray, grads: np.ndarray, state: State):  # pragma: no cover
        raise NotImplementedError

    def gradient_point(self, params: np.ndarray, state: State) -> np.ndarray:
        """Where the gradient for the next step is taken: the parameters themselves, except
        for look-ahead forms such as the book's Nesterov."""
        return params

    def effective_step(self, state: State) -> np.ndarray:
        """The per-coordinate step size of the step that produced ``state`` (η for SGD)."""
        return np.asarray(self.learning_rate)

    # --- helpers ----------------------------------------------------------------------------
    @property
    def hyperparameters(self) -> dict:
        """The Keras keyword arguments of this optimizer, as a dict."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def replace(self, **changes) -> Optimizer:
        """A copy with some hyperparameters changed (validated again)."""
        return dataclasses.replace(self, **changes)

    @property
    def kind(self) -> str:
        """The course's name for this optimizer ("gd", "momentum", "adam", ...)."""
        return self.keras_name.lower()

    @property
    def label(self) -> str:
        """A short label with book symbols, e.g. ``Adam (η=0.001, β1=0.9, β2=0.999)``."""
        shown = []
        for key, value in self.hyperparameters.items():
            if key == "momentum" and value == 0:
                continue  # no momentum: nothing to show
            if key in SYMBOLS and value is not None and np.ndim(value) == 0:
                shown.append(f"{SYMBOLS[key]}={float(value):g}")
        return f"{DISPLAY_NAMES.get(self.kind, self.kind)} ({', '.join(shown)})"

    def to_keras(self):
        """The ``keras.optimizers`` optimizer with the same hyperparameters."""
        import keras

        return getattr(keras.optimizers, self.keras_name)(**self.hyperparameters)

    def _decay(self, params: np.ndarray) -> np.ndarray:
        """Keras's decoupled weight decay, applied before every step: θ ← θ − θ·λ·η."""
        if self.weight_decay is None:
            return params
        xp = _math(params)
        lr = xp.cast(self.learning_rate, params.dtype)
        return params - params * xp.cast(self.weight_decay, params.dtype) * lr

    def _step_number(self, state: State, dtype, xp=_NUMPY) -> np.ndarray:
        return xp.cast(state["iterations"] + 1, dtype)


@dataclass(frozen=True)
class SGD(Optimizer):
    r"""Gradient descent, with optional momentum and Nesterov momentum.

    Plain: θ ← θ − η∇J(θ).

    Momentum (book and Keras alike, with m the "momentum" below):
        m ← βm − η∇J(θ);   θ ← θ + m.

    Nesterov, the book's look-ahead form (the gradient is taken ahead, at θ + βm):
        m ← βm − η∇J(θ + βm);   θ ← θ + m.
    Keras's form keeps φ = θ + βm (the look-ahead point itself) as the variable, so that the
    gradient is always taken at the variable:
        m ← βm − η∇J(φ);   φ ← φ + βm − η∇J(φ).
    Both produce the same m and the same gradients; Keras's path is the book's path shifted by
    βm. ``NesterovLookahead`` is the book's form; a test shows the two paths agree.
    """

    keras_name: ClassVar[str] = "SGD"
    learning_rate: float = 0.01
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float | None = None

    def __post_init__(self):
        super().__post_init__()
        _check("momentum", self.momentum, 0.0, 1.0)

    @property
    def kind(self) -> str:
        if not np.any(np.asarray(self.momentum) != 0):
            return "gd"
        return "nesterov" if self.nesterov else "momentum"

    def init(self, params):
        state = {"iterations": 0}
        if np.any(np.asarray(self.momentum) != 0):
            state["momentum"] = _math(params).zeros_like(params)
        return state

    def update(self, params, grads, state):
        dtype, xp = params.dtype, _math(params)
        params = self._decay(params)
        lr = xp.cast(self.learning_rate, dtype)
        new = {"iterations": state["iterations"] + 1}
        if "momentum" not in state:
            return params - grads * lr, new
        beta = xp.cast(self.momentum, dtype)
        m = state["momentum"] * beta - grads * lr
        new["momentum"] = m
        if self.nesterov:
            return params + (m * beta - grads * lr), new
        return params + m, new


@dataclass(frozen=True)
class NesterovLookahead(Optimizer):
    r"""Nesterov momentum in the book's look-ahead form (not a Keras class).

        m ← βm − η∇J(θ + βm);   θ ← θ + m.

    The gradient is taken at ``gradient_point(θ, state) = θ + βm``. Keras's
    ``SGD(momentum=β, nesterov=True)`` follows the path φ = θ + βm of this one.
    """

    keras_name: ClassVar[str] = "SGD"
    learning_rate: float = 0.01
    momentum: float = 0.9

    def __post_init__(self):
        super().__post_init__()
        _check("momentum", self.momentum, 0.0, 1.0)

    kind = "nesterov_lookahead"

    def init(self, params):
        return {"iterations": 0, "momentum": _math(params).zeros_like(params)}

    def gradient_point(self, params, state):
        return params + _math(params).cast(self.momentum, params.dtype) * state["momentum"]

    def update(self, params, grads, state):
        dtype, xp = params.dtype, _math(params)
        m = state["momentum"] * xp.cast(self.momentum, dtype) - grads * xp.cast(
            self.learning_rate, dtype
        )
        return params + m, {"iterations": state["iterations"] + 1, "momentum": m}

    def to_keras(self):
        """Keras's Nesterov SGD: the same optimizer in the changed variables φ = θ + βm."""
        import keras

        return keras.optimizers.SGD(
            learning_rate=self.learning_rate, momentum=self.momentum, nesterov=True
        )


@dataclass(frozen=True)
class Adagrad(Optimizer):
    r"""AdaGrad: divide each coordinate's step by the root of its summed squared gradients.

    Book:   s ← s + ∇J ⊗ ∇J;   θ ← θ − η ∇J ⊘ √(s + ε),   s starting at 0.
    Keras:  the same, but s starts at ``initial_accumulator_value`` = 0.1, which caps the very
            first steps at about η·|g|/√0.1 instead of η·sign(g). ε sits inside the root (the
            original paper and PyTorch put it outside: √s + ε).
    """

    keras_name: ClassVar[str] = "Adagrad"
    learning_rate: float = 0.001
    initial_accumulator_value: float = 0.1
    epsilon: float = 1e-7
    weight_decay: float | None = None

    def __post_init__(self):
        super().__post_init__()
        _check("initial_accumulator_value", self.initial_accumulator_value, 0.0)
        _check("epsilon", self.epsilon, 0.0, low_open=True)

    def init(self, params):
        acc = _math(params).full_like(params, self.initial_accumulator_value)
        return {"iterations": 0, "accumulator": acc}

    def update(self, params, grads, state):
        dtype, xp = params.dtype, _math(params)
        params = self._decay(params)
        acc = state["accumulator"] + grads * grads
        step = (xp.cast(self.learning_rate, dtype) * grads) / xp.sqrt(
            acc + xp.cast(self.epsilon, dtype)
        )
        return params - step, {"iterations": state["iterations"] + 1, "accumulator": acc}

    def effective_step(self, state):
        return self.learning_rate / np.sqrt(state["accumulator"] + self.epsilon)


@dataclass(frozen=True)
class RMSprop(Optimizer):
    r"""RMSProp: AdaGrad with an exponentially decaying average instead of a sum.

    Book (ρ is the book's β):  s ← ρs + (1 − ρ) ∇J ⊗ ∇J;   θ ← θ − η ∇J ⊘ √(s + ε).
    Keras: the same, with two options. ``momentum`` μ > 0 keeps a velocity of the steps,
    v ← μv + η∇J ⊘ √(s + ε), θ ← θ − v. ``centered`` also averages the gradient,
    ḡ ← ρḡ + (1 − ρ)∇J, and divides by √(s − ḡ² + ε), an estimate of the gradient's variance.
    """

    keras_name: ClassVar[str] = "RMSprop"
    learning_rate: float = 0.001
    rho: float = 0.9
    momentum: float = 0.0
    epsilon: float = 1e-7
    centered: bool = False
    weight_decay: float | None = None

    def __post_init__(self):
        super().__post_init__()
        _check("rho", self.rho, 0.0, 1.0)
        _check("momentum", self.momentum, 0.0, 1.0)
        _check("epsilon", self.epsilon, 0.0, low_open=True)

    def init(self, params):
        xp = _math(params)
        state = {"iterations": 0, "velocity": xp.zeros_like(params)}
        if np.any(np.asarray(self.momentum) > 0):
            state["momentum"] = xp.zeros_like(params)
        if self.centered:
            state["average_gradient"] = xp.zeros_like(params)
        return state

    def update(self, params, grads, state):
        dtype, xp = params.dtype, _math(params)
        params = self._decay(params)
        rho = xp.cast(self.rho, dtype)
        one_minus_rho = xp.cast(1 - np.asarray(self.rho), dtype)
        eps = xp.cast(self.epsilon, dtype)
        new = {"iterations": state["iterations"] + 1}
        v = rho * state["velocity"] + one_minus_rho * (grads * grads)
        new["velocity"] = v
        if self.centered:
            avg = rho * state["average_gradient"] + one_minus_rho * grads
            new["average_gradient"] = avg
            denominator = v - avg * avg + eps
        else:
            denominator = v + eps
        increment = (xp.cast(self.learning_rate, dtype) * grads) / xp.sqrt(denominator)
        if "momentum" in state:
            mom = xp.cast(self.momentum, dtype) * state["momentum"] + increment
            new["momentum"] = mom
            return params - mom, new
        return params - increment, new

    def effective_step(self, state):
        denominator = state["velocity"] + self.epsilon
        if self.centered:
            denominator = denominator - state["average_gradient"] ** 2
        return self.learning_rate / np.sqrt(denominator)


class _AdamRule:
    """Adam's update, shared by ``Adam`` and ``AdamW`` (which differ only in their defaults and
    the order of their arguments)."""

    def __post_init__(self):
        super().__post_init__()
        _check_adam_family(self)

    def init(self, params):
        xp = _math(params)
        state = {
            "iterations": 0,
            "momentum": xp.zeros_like(params),
            "velocity": xp.zeros_like(params),
        }
        if self.amsgrad:
            state["velocity_hat"] = xp.zeros_like(params)
        return state

    def _alpha(self, step, dtype, xp=_NUMPY):
        """Keras's step size with both bias corrections folded in: η √(1 − β2ᵗ) / (1 − β1ᵗ)."""
        beta_1_power = xp.power(self.beta_1, step, dtype)
        beta_2_power = xp.power(self.beta_2, step, dtype)
        return xp.cast(self.learning_rate, dtype) * xp.sqrt(1 - beta_2_power) / (1 - beta_1_power)

    def update(self, params, grads, state):
        dtype, xp = params.dtype, _math(params)
        params = self._decay(params)
        alpha = self._alpha(self._step_number(state, dtype, xp), dtype, xp)
        m = _average(state["momentum"], grads, self.beta_1, dtype, xp)
        v = _average(state["velocity"], grads * grads, self.beta_2, dtype, xp)
        new = {"iterations": state["iterations"] + 1, "momentum": m, "velocity": v}
        if self.amsgrad:
            v = xp.maximum(state["velocity_hat"], v)
            new["velocity_hat"] = v
        return params - (m * alpha) / (xp.sqrt(v) + xp.cast(self.epsilon, dtype)), new

    def effective_step(self, state):
        v = state["velocity_hat"] if self.amsgrad else state["velocity"]
        with np.errstate(divide="ignore", invalid="ignore"):  # before the first step: NaN
            alpha = self._alpha(_iterations_like(state, v), float)
            return alpha / (np.sqrt(v) + self.epsilon)


@dataclass(frozen=True)
class Adam(_AdamRule, Optimizer):
    r"""Adam: momentum (a decaying average of gradients) over RMSProp's scaling, bias-corrected.

    Book (t counts steps from 1; the book writes m with a minus sign and adds the step):
        m ← β1 m + (1 − β1) ∇J;      s ← β2 s + (1 − β2) ∇J ⊗ ∇J
        m̂ ← m / (1 − β1ᵗ);           ŝ ← s / (1 − β2ᵗ)
        θ ← θ − η m̂ ⊘ √(ŝ + ε)
    Kingma & Ba's Algorithm 1 puts ε outside the root instead: θ ← θ − η m̂ ⊘ (√ŝ + ε).
    Keras folds both corrections into the step size and puts its ε ("ε̂") next to the
    *uncorrected* √s:
        αₜ = η √(1 − β2ᵗ) / (1 − β1ᵗ);   θ ← θ − αₜ m ⊘ (√s + ε̂).
    Keras's form equals Algorithm 1's when ε̂ = ε √(1 − β2ᵗ); with the same number for both,
    Keras's ε weighs more in the first steps (√(1 − β2ᵗ) is small), which matters only when ε
    is large.
    ``amsgrad`` divides by the running maximum of s instead of s.
    """

    keras_name: ClassVar[str] = "Adam"
    learning_rate: float = 0.001
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7
    amsgrad: bool = False
    weight_decay: float | None = None


@dataclass(frozen=True)
class AdamW(_AdamRule, Optimizer):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter): before each Adam step,
    θ ← θ − η λ θ, where λ is ``weight_decay`` (Keras default 0.004). Unlike an L2 penalty
    added to the loss, the decay is not divided by √ŝ, so every weight shrinks at the same rate.
    """

    keras_name: ClassVar[str] = "AdamW"
    learning_rate: float = 0.001
    weight_decay: float | None = 0.004
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7
    amsgrad: bool = False


@dataclass(frozen=True)
class Adamax(Optimizer):
    r"""AdaMax: Adam with the infinity norm, u ← max(β2 u, |∇J|), in place of √s.

        m ← β1 m + (1 − β1) ∇J;   u ← max(β2 u, |∇J|);   θ ← θ − η/(1 − β1ᵗ) · m ⊘ (u + ε).
    No bias correction is needed for u (a maximum is not pulled towards 0 by its start).
    """

    keras_name: ClassVar[str] = "Adamax"
    learning_rate: float = 0.001
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7
    weight_decay: float | None = None

    def __post_init__(self):
        super().__post_init__()
        _check_adam_family(self)

    def init(self, params):
        xp = _math(params)
        return {"iterations": 0, "momentum": xp.zeros_like(params), "norm": xp.zeros_like(params)}

    def update(self, params, grads, state):
        dtype, xp = params.dtype, _math(params)
        params = self._decay(params)
        beta_1_power = xp.power(self.beta_1, self._step_number(state, dtype, xp), dtype)
        m = _average(state["momentum"], grads, self.beta_1, dtype, xp)
        u = xp.maximum(xp.cast(self.beta_2, dtype) * state["norm"], xp.abs(grads))
        step = (xp.cast(self.learning_rate, dtype) * m) / (
            (1 - beta_1_power) * (u + xp.cast(self.epsilon, dtype))
        )
        return params - step, {"iterations": state["iterations"] + 1, "momentum": m, "norm": u}

    def effective_step(self, state):
        beta_1_power = portable.power(self.beta_1, _iterations_like(state, state["norm"]))
        with np.errstate(divide="ignore", invalid="ignore"):  # before the first step: NaN
            step = self.learning_rate / ((1 - beta_1_power) * (state["norm"] + self.epsilon))
        return np.where(beta_1_power == 1, np.nan, step)


@dataclass(frozen=True)
class Nadam(Optimizer):
    r"""Nadam: Adam with Nesterov momentum (Dozat, 2016).

    Dozat's rule uses a momentum *schedule* μₜ = β1 (1 − ½·0.96^(ψt)) with ψ = 0.004, which
    warms the momentum up over thousands of steps; Keras 2 had it as ``schedule_decay=0.004``.
    Keras 3 uses μₜ = β1 (1 − ½·0.96ᵗ), i.e. ψ = 1: μ reaches 0.99·β1 within about 75 steps.
    With Πₜ = μ₁···μₜ (the state ``u_product``):
        m ← β1 m + (1 − β1) ∇J;   s ← β2 s + (1 − β2) ∇J ⊗ ∇J
        m̂ = μₜ₊₁ m / (1 − Πₜ μₜ₊₁) + (1 − μₜ) ∇J / (1 − Πₜ);   ŝ = s / (1 − β2ᵗ)
        θ ← θ − η m̂ ⊘ (√ŝ + ε)
    The book's simpler statement — Adam whose momentum step looks ahead, m̂ ≈ β1 m̂ + (1 − β1)∇J
    — is this rule with a constant μ = β1.
    """

    keras_name: ClassVar[str] = "Nadam"
    learning_rate: float = 0.001
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7
    weight_decay: float | None = None

    def __post_init__(self):
        super().__post_init__()
        _check_adam_family(self)

    def init(self, params):
        xp = _math(params)
        return {
            "iterations": 0,
            "momentum": xp.zeros_like(params),
            "velocity": xp.zeros_like(params),
            "u_product": xp.ones(np.shape(self.beta_1), dtype=params.dtype),
        }

    def update(self, params, grads, state):
        dtype, xp = params.dtype, _math(params)
        params = self._decay(params)
        t = self._step_number(state, dtype, xp)
        decay = xp.cast(0.96, dtype)
        beta_1 = xp.cast(self.beta_1, dtype)
        beta_2 = xp.cast(self.beta_2, dtype)
        u_t = beta_1 * (1.0 - 0.5 * xp.power(decay, t, dtype))  # μₜ, computed once
        u_product_t = state["u_product"] * u_t
        u_t_1 = beta_1 * (1.0 - 0.5 * xp.power(decay, t + 1, dtype))
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = xp.power(beta_2, t, dtype)
        m = _average(state["momentum"], grads, self.beta_1, dtype, xp)
        v = _average(state["velocity"], grads * grads, self.beta_2, dtype, xp)
        m_hat = (u_t_1 * m) / (1 - u_product_t_1) + ((1 - u_t) * grads) / (1 - u_product_t)
        v_hat = v / (1 - beta_2_power)
        step = (m_hat * xp.cast(self.learning_rate, dtype)) / (
            xp.sqrt(v_hat) + xp.cast(self.epsilon, dtype)
        )
        new = {
            "iterations": state["iterations"] + 1,
            "momentum": m,
            "velocity": v,
            "u_product": u_product_t,
        }
        return params - step, new

    def effective_step(self, state):
        t = _iterations_like(state, state["velocity"])
        with np.errstate(divide="ignore", invalid="ignore"):  # before the first step: NaN
            v_hat = state["velocity"] / (1 - portable.power(self.beta_2, t))
            return self.learning_rate / (np.sqrt(v_hat) + self.epsilon)


def get(name: str | Optimizer, **hyperparameters) -> Optimizer:
    """The optimizer called ``name`` with Keras's defaults (β = 0.9 for "momentum" and
    "nesterov", the book's choice), overridden by ``hyperparameters``."""
    if isinstance(name, Optimizer):
        return name.replace(**hyperparameters) if hyperparameters else name
    entry = registry.record(name)
    return globals()[entry.rule](**{**entry.defaults, **hyperparameters})


def stable_learning_rate(optimizer: str | Optimizer, curvature: float) -> float | None:
    """The largest learning rate for which the optimizer converges on a quadratic whose largest
    curvature (Hessian eigenvalue) is ``curvature``; None where no such simple limit exists.

    Gradient descent: η < 2/λ. Momentum (heavy ball): η < 2(1 + β)/λ. Nesterov, in Keras's form:
    η < 2(1 + β)/((1 + 2β)λ). Each follows from the step's characteristic polynomial on
    J = ½λθ²; a test checks them against runs just below and just above the limit.
    """
    optimizer = get(optimizer)
    entry = registry.OPTIMIZERS.get(optimizer.kind)
    if entry is None or entry.stability is None:
        return None
    return entry.stability.rate(curvature, float(getattr(optimizer, "momentum", 0.0)))


def _hyperparameter_names(name: str | Optimizer) -> list[str]:
    """The numeric hyperparameters of an optimizer, in Keras's order (no booleans)."""
    return [
        key
        for key, value in get(name).hyperparameters.items()
        if not isinstance(value, bool) and key in SYMBOLS
    ]


__getattr__ = deprecated_names(
    __name__,
    {
        "hyperparameter_names": (
            _hyperparameter_names,
            "registry.sliders(name), or get(name).hyperparameters",
        )
    },
)
