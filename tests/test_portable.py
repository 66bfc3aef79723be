"""helpers.portable: functions accurate to the last bits, and bit for bit the same on every CPU.

The last test runs the course's 2D computations twice: in this process, and in a subprocess in
which NumPy is told to ignore the newest SIMD instructions of this CPU
(``NPY_DISABLE_CPU_FEATURES``, as if it ran on an older processor). The course's numbers must
not change; NumPy's own ``np.exp``,
``np.power`` and ``np.logspace`` do change there, which shows that the test can tell.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from helpers import portable


def ulps(got, want):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    return np.abs(got - want) / np.spacing(np.abs(want))


def test_exp_is_accurate_and_handles_the_edges():
    x = np.random.default_rng(0).uniform(-740, 705, 20_000)
    x = np.concatenate([x, np.linspace(-1, 1, 2001)])
    want = np.array([math.exp(v) for v in x])
    normal = want > 1e-300
    assert ulps(portable.exp(x)[normal], want[normal]).max() <= 2
    edges = portable.exp(np.array([0.0, -np.inf, np.inf, np.nan, 710.0, -746.0]))
    np.testing.assert_array_equal(edges, [1.0, 0.0, np.inf, np.nan, np.inf, 0.0])
    assert portable.exp(1.0) == pytest.approx(math.e, rel=1e-15)


def test_log_is_accurate_and_handles_the_edges():
    x = np.concatenate(
        [np.random.default_rng(1).uniform(1e-3, 1e3, 20_000), [1e-300, 1e300, 0.5, 2.0]]
    )
    assert ulps(portable.log(x), [math.log(v) for v in x]).max() <= 2
    assert portable.log(1.0) == 0.0
    edges = portable.log(np.array([0.0, -1.0, np.inf, np.nan]))
    np.testing.assert_array_equal(edges, [-np.inf, np.nan, np.inf, np.nan])


def test_power_of_one_whole_exponent_is_the_array_loop_bit_for_bit():
    # one step count (the optimizers' bias corrections) takes a loop without masks: the same
    # products in the same order as for an array of exponents
    bases = np.concatenate([[0.0, 0.5, 0.9, 0.999, 1.0, 1.5], np.linspace(0.01, 0.9999, 97)])
    for n in (0, 1, 2, 7, 100, 999, 1000, 4097):
        one = portable.power(bases, n)
        loop = portable.power(bases[:, None], np.array([float(n)]))[:, 0]
        assert one.tobytes() == loop.tobytes(), n
        assert portable.power(0.9, np.float64(n)) == portable.power(np.array([0.9]), [n])[0]


def test_power_whole_and_real_exponents():
    t = np.arange(0, 5001)
    want = np.array([0.999 ** int(k) for k in t])
    np.testing.assert_allclose(portable.power(0.999, t), want, rtol=1e-13, atol=0)
    assert portable.power(3.0, 4) == 81.0 and portable.power(0.5, 0) == 1.0
    betas = np.array([0.9, 0.99])[:, None]
    assert portable.power(betas, np.array([1.0, 2.0])).shape == (2, 2)
    x = np.linspace(0, 10, 101)
    np.testing.assert_allclose(portable.power(0.1, x), [0.1**v for v in x], rtol=1e-14)
    np.testing.assert_allclose(
        portable.power(np.linspace(1, 3, 50), 0.5), np.sqrt(np.linspace(1, 3, 50)), rtol=1e-15
    )


def test_logspace_and_geomspace_are_numpys_to_rounding_with_exact_ends():
    for args in ((-4, 0.5, 46), (-5, 2, 71), (-3, 0, 4), (0, 0, 1)):
        np.testing.assert_allclose(portable.logspace(*args), np.logspace(*args), rtol=1e-14)
    assert list(portable.logspace(-3, 0, 4)) == [0.001, 0.01, 0.1, 1.0]
    for args in ((0.3, 4, 40), (1, 1000, 100), (0.95, 1e-3, 100)):
        values = portable.geomspace(*args)
        np.testing.assert_allclose(values, np.geomspace(*args), rtol=1e-14)
        assert (values[0], values[-1]) == (args[0], args[1])
    assert list(portable.geomspace(1, 1000, 4)) == [1.0, 10.0, 100.0, 1000.0]
    assert portable.log10(0.5) == math.log10(0.5)
    with pytest.raises(ValueError):
        portable.geomspace(0, 1, 5)


@pytest.mark.parametrize(
    "value, kwargs, text",
    [
        (0.0, {}, "0"),
        (5.3e-15, {}, "< 1e-12"),
        (-5.3e-15, {}, "< 1e-12"),
        (2.4e-12, {}, "2.4e-12"),
        (0.0123, {}, "1.2e-02"),
        (0.0123, {"spec": ".3g"}, "0.0123"),
        (3.6e-10, {"floor": 1e-6}, "< 1e-6"),
        (4e-11, {"scale": 100}, "< 1e-10"),
        (3e-7, {"floor": portable.FLOAT32_ROUNDING}, "< 1e-5"),
        (float("nan"), {}, "nan"),
        (float("inf"), {}, "inf"),
    ],
)
def test_show(value, kwargs, text):
    assert portable.show(value, **kwargs) == text


def test_equals_reads_as_a_relation():
    assert portable.equals(2.37e-27) == "< 1e-12"
    assert portable.equals(6.0e-07) == "= 6.0e-07"
    assert portable.equals(0.0) == "= 0"


# What the subprocess computes: the course's own numbers, and NumPy's CPU-dependent ones.
FINGERPRINT = r"""
import hashlib, json, sys
import numpy as np
from helpers import experiments, optimizers, portable, schedules, surfaces, trajectories

def digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(np.asarray(a, dtype=np.float64)).tobytes())
    return h.hexdigest()[:16]

rng = np.random.default_rng(0)
x = rng.uniform(-30, 3, 50_000)
course = {
    "portable": digest(
        portable.exp(x), portable.log(np.abs(x) + 1e-3), portable.power(0.999, np.arange(3000)),
        portable.power(0.1, np.abs(x) / 7), portable.logspace(-5, 2, 71),
        portable.geomspace(0.3, 4, 40),
    ),
    "schedules": digest(
        schedules.evaluate("exponential", np.arange(500), initial_learning_rate=0.1, steps=9),
        schedules.evaluate("power", np.arange(500), initial_learning_rate=0.1, steps=9, power=0.5),
    ),
}
for name in optimizers.NAMES:
    paths = []
    for surface in surfaces.names():
        s = surfaces.get(surface)
        grid = optimizers.get(name).replace(learning_rate=portable.logspace(-3, 0, 7)[:, None])
        paths.append(trajectories.run(grid, s, start=np.array(s.starts), steps=300).path)
    course[name] = digest(*paths)
course["tuned"] = json.dumps(experiments.tuned("adam", "beale", steps=300).learning_rate)
numpy = digest(np.exp(x), np.power(np.abs(x), 3), np.logspace(-5, 2, 71), np.log(np.abs(x) + 1e-3))
print(json.dumps({"course": course, "numpy": numpy}))
"""


def _fingerprint(env=None):
    out = subprocess.run(
        [sys.executable, "-c", FINGERPRINT], capture_output=True, text=True, env=env, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _older_cpu_features():
    """NumPy's dispatch targets that this CPU has, to switch off (AVX-512, then AVX2...)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def test_the_course_computes_the_same_bits_without_this_cpus_newest_instructions():
    disable = _older_cpu_features()
    if not disable:
        pytest.skip("this CPU has none of NumPy's optional SIMD paths: nothing to switch off")
    here = _fingerprint()
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(disable)}
    older = _fingerprint(env)
    if older["numpy"] == here["numpy"]:
        pytest.skip(f"switching off {disable} does not change NumPy's results on this CPU")
    assert older["course"] == here["course"]
