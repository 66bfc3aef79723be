"""Numbers that every computer computes, and prints, alike.

Runs on the 2D surfaces are chaotic in the way every long iteration is: a difference in the last
bit of one step can, a few hundred steps later, decide which start point reaches the minimum
first. And the last bits of some NumPy functions depend on the processor: ``np.exp``,
``np.power`` (and so ``x**3``), ``np.log``, ``np.logspace`` and ``np.geomspace`` take different
code paths on AVX2 and on AVX-512 CPUs, and round differently. Additions, multiplications,
divisions and square roots do not: IEEE 754 defines their result to the last bit. So the course
computes with those, and with the few functions below, built from them (or from Python's exact
decimal arithmetic), so that the same seed gives the same numbers on any CPU.

What remains is printing. Two computations that agree up to rounding differ in their last bits,
and those bits may depend on the processor too (OpenBLAS picks its kernels by CPU; TensorFlow
may use oneDNN). A value at the level of rounding is printed as what it means, a bound:

>>> show(0.0)
'0'
>>> show(5.3e-15)
'< 1e-12'
>>> show(0.0123)
'1.2e-02'
>>> show(3.6e-10, floor=1e-6)  # rounding amplified, e.g. by a condition number of 10⁶
'< 1e-6'
>>> f"J − J* {equals(2.37e-27)}, J − J* {equals(6.0e-07)}"
'J − J* < 1e-12, J − J* = 6.0e-07'
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import numpy as np

#: Below this, relative to the quantity's own scale, a float64 value is rounding: float64 has
#: about 16 significant digits, and a few thousand operations lose up to about four of them.
ROUNDING = 1e-12

#: The same for float32 (about 7 significant digits), e.g. for a comparison with Keras.
FLOAT32_ROUNDING = 1e-5


# --- printing -------------------------------------------------------------------------------
def show(value: float, spec: str = ".1e", *, scale: float = 1.0, floor: float | None = None) -> str:
    """``value`` formatted with ``spec``, or ``"0"`` if it is exactly zero, or ``"< floor"`` if
    it is smaller than ``floor`` (by default ``ROUNDING × scale``, the level of rounding for a
    quantity whose natural size is ``scale``). NaN and infinities are written as such."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    bound = ROUNDING * abs(scale) if floor is None else floor
    if abs(value) < bound:
        return f"< {_power_of_ten(bound)}"
    return format(value, spec)


def equals(
    value: float, spec: str = ".1e", *, scale: float = 1.0, floor: float | None = None
) -> str:
    """``show`` written as a relation, to follow a name: ``"= 6.0e-07"``, ``"= 0"`` or
    ``"< 1e-12"``."""
    text = show(value, spec, scale=scale, floor=floor)
    return text if text.startswith("<") else f"= {text}"


def within(difference: float, tolerance: float = FLOAT32_ROUNDING) -> str:
    """A difference between float32 computations (against Keras, say): ``"< 1e-5"`` when it is
    below ``tolerance``, zero included, since where one CPU computes the same bits another may
    differ in the last of them; otherwise the difference itself, which then matters."""
    difference = float(difference)
    if math.isfinite(difference) and abs(difference) < tolerance:
        return f"< {_power_of_ten(tolerance)}"
    return f"{difference:.1e}"


def _power_of_ten(bound: float) -> str:
    """1e-12 as "1e-12", 2.5e-09 as "2.5e-9": short, and the same on every machine."""
    mantissa, exponent = f"{bound:.1e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


# --- computing ------------------------------------------------------------------------------
# exp: x = k ln 2 + r with |r| ≤ ln 2 / 2, then exp(x) = 2ᵏ exp(r), exp(r) by its Taylor series.
# ln 2 is split in two (fdlibm's constants): the high part has 32 significant bits, so k × it is
# exact and r keeps its accuracy.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_TAYLOR = [1.0 / math.factorial(n) for n in range(14)]  # r¹⁴/14! < 4e-18 for |r| ≤ 0.35
_EXP_MAX, _EXP_MIN = 709.782712893384, -745.1332191019412


def exp(x):
    """eˣ, elementwise, to within a few units in the last place, and bit for bit the same on
    every CPU (``np.exp`` rounds differently on AVX2 and AVX-512 processors)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        k = np.clip(np.rint(x * _INV_LN2), -1100.0, 1100.0)
        r = (x - k * _LN2_HI) - k * _LN2_LO
        p = np.full_like(r, _TAYLOR[-1])
        for c in reversed(_TAYLOR[:-1]):
            p = p * r + c
        k_int = np.nan_to_num(k).astype(np.int32)
        # 2ᵏ in two factors, so that neither overflows before the product is taken
        result = np.ldexp(np.ldexp(p, k_int // 2), k_int - k_int // 2)
    result = np.where(x > _EXP_MAX, np.inf, result)
    result = np.where(x < _EXP_MIN, 0.0, result)
    result = np.where(np.isnan(x), np.nan, result)
    return result[()] if result.ndim == 0 else result


def log(x):
    """ln x, elementwise, to within a few units in the last place, and the same on every CPU.
    x = m 2ᵉ with √½ ≤ m < √2 (exact), ln m = 2 atanh((m − 1)/(m + 1)) by its series."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        m, e = np.frexp(np.where(x > 0, x, 1.0))  # m in [0.5, 1)
        low = m < _SQRT_HALF
        m = np.where(low, m * 2.0, m)
        e = np.where(low, e - 1, e).astype(np.float64)
        z = (m - 1.0) / (m + 1.0)  # |z| < 0.172
        z2 = z * z
        series = np.full_like(z, _ATANH[-1])
        for c in reversed(_ATANH[:-1]):
            series = series * z2 + c
        result = 2.0 * z * series + (e * _LN2_LO + e * _LN2_HI)
    result = np.where(x == 0, -np.inf, result)
    result = np.where(x < 0, np.nan, result)
    result = np.where(np.isposinf(x), np.inf, result)
    result = np.where(np.isnan(x), np.nan, result)
    return result[()] if result.ndim == 0 else result


_SQRT_HALF = 0.7071067811865476
_ATANH = [1.0 / (2 * n + 1) for n in range(12)]  # atanh z = z Σ z²ⁿ/(2n + 1); z²⁴/25 < 1e-19


def power(base, exponent):
    """``base ** exponent``, elementwise (arrays broadcast), the same on every CPU (``np.power``
    and NumPy's ``**`` are not). Whole exponents ≥ 0 by repeated squaring (error about
    exponent × 1e-16 relative); any other exponent, of a positive base, as exp(exponent · ln
    base) (error about |exponent · ln base| × 1e-16)."""
    base = np.asarray(base, dtype=np.float64)
    n = np.asarray(exponent, dtype=np.float64)
    if n.ndim == 0 and math.isfinite(n) and n == math.floor(n) and n >= 0:
        return _whole_power(base, int(n))
    if not (np.all(np.isfinite(n)) and np.all(n == np.floor(n)) and np.all(n >= 0)):
        return exp(n * log(base))
    n = n.astype(np.int64)
    result = np.ones(np.broadcast_shapes(base.shape, n.shape))
    square = base
    while np.any(n > 0):
        result = np.where(n & 1, result * square, result)
        square = square * square
        n = n >> 1
    return result[()] if result.ndim == 0 else result


def _whole_power(base: np.ndarray, n: int):
    """``power`` for one whole exponent n ≥ 0 (a step count, say): the same products as the
    loop over an array of exponents, in the same order, without its masks (several times
    faster, which the optimizers' bias corrections, computed at every step, feel)."""
    result = np.ones(base.shape)
    square = base
    while n > 0:
        if n & 1:
            result = result * square
        square = square * square
        n >>= 1
    return result[()] if result.ndim == 0 else result


def logspace(start: float, stop: float, num: int = 50, base: float = 10.0) -> np.ndarray:
    """Like ``np.logspace``: ``num`` values from base**start to base**stop, evenly spaced on a
    log scale, each correctly rounded (decimal arithmetic), so the same on every CPU."""
    with localcontext() as context:
        context.prec = 40
        a, b, B = Decimal(float(start)), Decimal(float(stop)), Decimal(float(base))
        steps = max(num - 1, 1)
        return np.array([float(B ** (a + (b - a) * i / steps)) for i in range(num)])


def geomspace(start: float, stop: float, num: int = 50) -> np.ndarray:
    """Like ``np.geomspace`` (positive ends): ``num`` values from ``start`` to ``stop``, each
    ratio the same, each correctly rounded (decimal arithmetic), so the same on every CPU."""
    if not (start > 0 and stop > 0):
        raise ValueError("geomspace takes positive ends")
    with localcontext() as context:
        context.prec = 40
        a, b = Decimal(float(start)), Decimal(float(stop))
        steps = max(num - 1, 1)
        return np.array([float(a * (b / a) ** (Decimal(i) / steps)) for i in range(num)])


def log10(x: float) -> float:
    """log₁₀ x of one positive number, correctly rounded (``np.log10`` is CPU-dependent)."""
    with localcontext() as context:
        context.prec = 40
        return float(Decimal(float(x)).log10())
