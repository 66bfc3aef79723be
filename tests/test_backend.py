"""helpers.backend: XLA's concurrency-optimized CPU scheduler is turned off where TensorFlow
knows the flag, a user's own setting is kept, and training gives the same numbers either way."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from helpers import backend


@pytest.fixture
def no_xla_flags(monkeypatch):
    monkeypatch.delenv("XLA_FLAGS", raising=False)


def test_the_flag_is_added_from_tensorflow_2_18(no_xla_flags):
    backend._xla_flags("2.17.1")  # XLA would stop at a flag it does not know
    assert "XLA_FLAGS" not in os.environ
    backend._xla_flags("2.21.0")
    assert os.environ["XLA_FLAGS"] == f"--{backend.XLA_SCHEDULER}=false"
    backend._xla_flags("2.22.0-dev20261101")  # once only
    assert os.environ["XLA_FLAGS"] == f"--{backend.XLA_SCHEDULER}=false"


def test_a_users_xla_flags_are_kept(no_xla_flags, monkeypatch):
    monkeypatch.setenv("XLA_FLAGS", "--xla_cpu_use_thunk_runtime=true")
    backend._xla_flags("2.21.0")
    assert os.environ["XLA_FLAGS"] == (
        f"--xla_cpu_use_thunk_runtime=true --{backend.XLA_SCHEDULER}=false"
    )
    monkeypatch.setenv("XLA_FLAGS", f"--{backend.XLA_SCHEDULER}=true")
    backend._xla_flags("2.21.0")
    assert os.environ["XLA_FLAGS"] == f"--{backend.XLA_SCHEDULER}=true"


# Two compiled programs side by side (parallel=2), one of mixed rules: what the scheduler changes.
TRAIN = textwrap.dedent(
    """
    import json, os
    import numpy as np
    from helpers import backend, batched, optimizers
    backend.keras()
    print(json.dumps({"flags": os.environ.get("XLA_FLAGS", "")}))
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 1000).astype(np.uint8)
    X = rng.uniform(0, 0.3, (1000, 28, 28)).astype(np.float32)
    X[np.arange(1000), y, :] += 0.7
    data = ((X[:800], y[:800]), (X[800:], y[800:]))
    runs = [batched.Run(optimizers.get(name)) for name in ("adam", "nadam", "momentum")]
    epochs = -(-batched.LONG_TRAINING // 25)  # long enough to be compiled with XLA
    results = batched.fit(runs, data, epochs=epochs, parallel=2)
    print(json.dumps([result.history for result in results]))
    """
)


def _train(xla_flags: str | None):
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    if xla_flags is not None:
        env["XLA_FLAGS"] = xla_flags
    done = subprocess.run(
        [sys.executable, "-c", TRAIN], capture_output=True, text=True, timeout=600, env=env
    )
    assert done.returncode == 0, done.stderr[-3000:]
    flags, histories = (json.loads(line) for line in done.stdout.strip().splitlines()[-2:])
    return flags["flags"], histories


def test_the_same_numbers_with_the_scheduler_or_without(keras):
    if backend.XLA_SCHEDULER not in (os.environ.get("XLA_FLAGS") or ""):
        pytest.skip("this TensorFlow's XLA does not know the flag (before 2.18)")
    flags, without = _train(None)
    assert flags == f"--{backend.XLA_SCHEDULER}=false"
    flags, with_it = _train(f"--{backend.XLA_SCHEDULER}=true")
    assert flags == f"--{backend.XLA_SCHEDULER}=true"
    assert with_it == without  # bit for bit
    assert without[0]["loss"][-1] < without[0]["loss"][0]
