"""Many runs of the MLP at once (helpers.batched, training.sweep/compare/train_many): the update
rules in TensorFlow equal keras.optimizers step for step, and every run of a sweep gives the
history it gives alone."""

import numpy as np
import pytest

from helpers import backend
from helpers import optimizers as O

try:
    keras = backend.keras()
except ImportError as error:
    pytest.skip(f"TensorFlow with Keras 3 is not installed: {error}", allow_module_level=True)

import tensorflow as tf  # noqa: E402
from test_optimizers import SETTINGS  # noqa: E402

from helpers import batched, mlp, training  # noqa: E402

# A run of a sweep equals the same run alone to this, in every metric of the first epoch
# (float32: the batched matmuls add in another order than Keras's Dense layers). So on the
# small data; on the full data, within a few hundred steps some ReLU pre-activation comes within
# that rounding of 0 and the runs part there (helpers.batched, benchmarks/divergence.py).
FIRST_EPOCH_TOLERANCE = 1e-5
STEP_TOLERANCE = 1e-5  # relative, per step of an update rule against Keras's


def _gradients(model, X, y):
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(X))
    return tape.gradient(loss, model.trainable_variables)


CASES = [(name, settings) for name, all_settings in SETTINGS.items() for settings in all_settings]


@pytest.mark.parametrize("name, settings", CASES, ids=[f"{n}-{i}" for n, i in enumerate(CASES)])
def test_update_rules_match_keras_on_the_mlps_gradients(name, settings, small_data):
    """Two runs in one group (the second with half the learning rate), each against its own
    Keras model and optimizer, five steps, each on the gradient at Keras's current weights."""
    (X, y), _ = small_data
    runs = [
        batched.Run(O.get(name, **settings)),
        batched.Run(O.get(name, **{**settings, "learning_rate": settings["learning_rate"] / 2})),
    ]
    ((optimizer, members),) = batched._groups(runs)
    group = batched._Stack([(optimizer, members)], runs, {42: batched.initial_weights(42)})
    models = [training.build_model(42) for _ in runs]
    keras_opts = [run.optimizer.to_keras() for run in runs]
    iterations = tf.Variable(0, dtype=tf.int64)
    worst = 0.0
    for step in range(5):
        X_batch, y_batch = X[step * 64 : (step + 1) * 64], y[step * 64 : (step + 1) * 64]
        grads = [_gradients(model, X_batch, y_batch) for model in models]
        for model, keras_opt, g in zip(models, keras_opts, grads):
            keras_opt.apply_gradients(zip(g, model.trainable_variables))
        stacked = [
            tf.constant(np.stack([g[j].numpy() for g in grads], axis=axis))
            for j, axis in enumerate(group.axes)
        ]
        group.update(stacked, iterations)
        iterations.assign_add(1)
        for ours, model in zip(group.final_weights(), models):
            for a, b in zip(ours, model.get_weights()):
                scale = max(1.0, float(np.abs(b).max()))
                worst = max(worst, float(np.abs(a - b).max()) / scale)
    moved = np.abs(models[0].get_weights()[0] - batched.initial_weights(42)[0]).max()
    assert moved > 1e-5, f"{name} {settings} hardly moved: a weak test"
    assert worst <= STEP_TOLERANCE, f"{name} {settings}: {worst:.2e}"


def _largest_difference(a, b, epochs=None):
    return max(
        abs(x - y)
        for key in a.history
        for x, y in list(zip(a.history[key], b.history[key], strict=True))[:epochs]
    )


@pytest.mark.parametrize("compiled", [False, True], ids=["short", "compiled-and-split"])
@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_a_sweep_gives_each_run_its_history_alone(name, compiled, small_data, monkeypatch):
    """A short training runs as one plain program; a long one (here made to count as long) is
    compiled with XLA and split into one program per core: the same histories either way."""
    if compiled:
        monkeypatch.setattr(batched, "LONG_TRAINING", 0)
        monkeypatch.setattr(batched, "_cores", lambda: 2)
    rates = [0.001, 0.01] if name == "adam" else [0.01, 0.05]
    swept = training.sweep(name, rates, data=small_data, epochs=2)
    assert all(isinstance(h, training.SweptHistory) for h in swept.values())
    for lr in rates:
        alone = training.train(name, data=small_data, epochs=2, learning_rate=lr)
        assert _largest_difference(swept[lr], alone, epochs=1) <= FIRST_EPOCH_TOLERANCE
        weights = swept[lr].model.get_weights()
        assert max(np.abs(a - b).max() for a, b in zip(weights, alone.model.get_weights())) < 1e-4
    # the runs really differ: one learning rate is not another's copy
    assert _largest_difference(swept[rates[0]], swept[rates[1]]) > 1e-3


def test_compare_trains_different_rules_together(small_data, monkeypatch):
    monkeypatch.setattr(batched, "LONG_TRAINING", 0)  # compiled, one program per core
    optimizers = {"GD": "gd", "Nesterov": "nesterov", "AdamW": "adamw", "Adam": "adam"}
    together = training.compare(optimizers, data=small_data, epochs=1)
    assert list(together) == list(optimizers)
    for label, name in optimizers.items():
        alone = training.train(name, data=small_data, epochs=1)
        assert _largest_difference(together[label], alone) <= FIRST_EPOCH_TOLERANCE, label


def test_seeds_draw_their_own_weights_and_batches(small_data):
    seeds = (42, 7)
    runs = training.compare({"Adam": "adam"}, data=small_data, epochs=1, seeds=seeds)
    assert set(runs["Adam"]) == set(seeds)
    for seed in seeds:
        alone = training.train("adam", data=small_data, epochs=1, seed=seed)
        assert _largest_difference(runs["Adam"][seed], alone) <= FIRST_EPOCH_TOLERANCE
    # one batch order for both: the seed then only draws the initial weights
    shared = training.compare(
        {"Adam": "adam"}, data=small_data, epochs=1, seeds=seeds, batch_seed=42
    )
    alone = training.train("adam", data=small_data, epochs=1, seed=7, batch_seed=42)
    assert _largest_difference(shared["Adam"][7], alone) <= FIRST_EPOCH_TOLERANCE
    assert _largest_difference(shared["Adam"][7], runs["Adam"][7]) > 1e-4


@pytest.mark.parametrize(
    "runs_per_order, cores, expected",
    [([5], 2, [3]), ([9], 2, [3]), ([4], 2, [2]), ([18], 2, [5]), ([5, 5, 5], 2, [2, 2, 2]),
     ([5], 1, [2])],
)  # fmt: skip
def test_programs_are_split_so_that_no_core_waits_for_a_large_one(runs_per_order, cores, expected):
    """Five runs on two cores go as 2 + 2 + 1 (each core's share is 2.5 runs), nine as
    3 + 3 + 3; at most MAX_RUNS (4) runs per program; three seeds of five: 3 + 2 each."""
    members_of = {seed: list(range(n)) for seed, n in enumerate(runs_per_order)}
    split = -(-cores // len(runs_per_order))
    counts = {seed: max(split, -(-n // batched.MAX_RUNS)) for seed, n in enumerate(runs_per_order)}
    batched._balance(members_of, counts, sum(runs_per_order) / cores)
    assert list(counts.values()) == expected


def test_batch_orders_are_drawn_once_per_setting_and_as_keras_draws_them():
    """The drawn orders are kept per (seed, images, epochs, batch size): asked again, the same
    lists; each equals a fresh draw as ``model.fit`` would make it."""
    from helpers import fastfit

    first = batched._orders([batched.Run(O.get("gd"), seed=5)], 100, 2, 32)[5]
    assert batched._orders([batched.Run(O.get("adam"), seed=5)], 100, 2, 32)[5] is first
    keras.utils.set_random_seed(5)
    fresh = fastfit.batch_order(100, 2, 32)
    assert all(np.array_equal(a, b) for e, f in zip(first, fresh) for a, b in zip(e, f))
    other = batched._orders([batched.Run(O.get("gd"), seed=5)], 200, 2, 32)[5]
    assert len(other[0]) == 7 and len(first[0]) == 4
    seed_6 = batched._orders([batched.Run(O.get("gd"), seed=6)], 100, 2, 32)[6]
    assert not np.array_equal(seed_6[0][0], first[0][0])


@pytest.mark.parametrize("compiled", [False, True], ids=["plain", "xla"])
def test_programs_that_differ_only_in_seed_share_one_traced_epoch(compiled, small_data):
    """The programs of two seeds share one trace (and XLA program), each on its own variables,
    whichever is called first: one trace, and each program's numbers as with its own trace."""
    (X, y), (X_valid, y_valid) = small_data
    tensors = batched._tensors(X, y, X_valid, y_valid)
    rules = [O.get("adam", learning_rate=0.003), O.get("momentum", learning_rate=0.02)]

    def programs(shared):
        made = []
        for seed in (42, 43):
            runs = [batched.Run(rule, seed=seed) for rule in rules]
            made.append(
                batched._Program(runs, batched._groups(runs), tensors, 32, compiled, shared)
            )
        return made

    batches = batched._orders([batched.Run(rules[0])], len(X), 1, 32)[42][0]
    together, apart = programs({}), programs(None)
    assert together[0]._epoch is together[1]._epoch
    assert apart[0]._epoch is not apart[1]._epoch
    for one, other in reversed(list(zip(together, apart))):  # traced by the second
        a, b = one.epoch(batches)[0], other.epoch(batches)[0]
        assert all(np.array_equal(a[k], b[k]) for k in a)
        assert all(
            np.array_equal(u, v) for u, v in zip(one.final_weights()[1], other.final_weights()[1])
        )
    assert together[0]._epoch.experimental_get_tracing_count() == 1
    assert together[0].final_weights()[0][0][0, 0] != together[1].final_weights()[0][0][0, 0]


def test_an_l2_penalty_is_trained_as_keras_adds_it(small_data):
    l2 = keras.regularizers.l2(1e-3)
    swept = training.sweep("gd", [0.01, 0.05], data=small_data, epochs=1, kernel_regularizer=l2)
    alone = training.train(
        "gd", data=small_data, epochs=1, learning_rate=0.05, kernel_regularizer=l2
    )
    assert _largest_difference(swept[0.05], alone) <= FIRST_EPOCH_TOLERANCE


def test_each_run_can_have_its_own_l2_penalty(small_data):
    """Runs with different penalties (and one without) in one program: each as trained alone."""
    factors = (None, 1e-4, 1e-3)
    runs = [
        {"optimizer": "adam", "kernel_regularizer": keras.regularizers.l2(c) if c else None}
        for c in factors
    ]
    together = training.train_many(runs, data=small_data, epochs=1)
    assert all(isinstance(h, training.SweptHistory) for h in together)
    for c, history in zip(factors, together):
        regularizer = keras.regularizers.l2(c) if c else None
        alone = training.train("adam", data=small_data, epochs=1, kernel_regularizer=regularizer)
        assert _largest_difference(history, alone) <= FIRST_EPOCH_TOLERANCE
    assert together[2].history["loss"][0] > together[0].history["loss"][0] + 1e-3


def test_a_measure_taken_every_epoch_is_the_same_in_a_sweep_and_alone(small_data):
    """measure(weights) joins the history; the cross-entropy computed from the weights is the
    validation loss Keras reports (no penalty here), and the same for a run in a sweep."""
    (_, _), (X_valid, y_valid) = small_data

    def measure(weights):
        return {"val_ce": mlp.cross_entropy(weights, X_valid, y_valid),
                "norm": mlp.kernel_norm(weights)}  # fmt: skip

    swept = training.sweep("adam", [0.001, 0.003], data=small_data, epochs=2, measure=measure)
    alone = training.train("adam", data=small_data, epochs=2, learning_rate=0.003, measure=measure)
    for history in (swept[0.003], alone):
        assert len(history.history["val_ce"]) == 2
        assert np.allclose(history.history["val_ce"], history.history["val_loss"], rtol=1e-5)
    assert np.allclose(swept[0.003].history["norm"], alone.history["norm"], rtol=1e-5)
    assert swept[0.001].history["norm"] != swept[0.003].history["norm"]
    with pytest.raises(ValueError, match="measure"):
        training.train("adam", data=small_data, epochs=1, measure=measure, cache=True)


def test_a_measure_can_read_the_optimizers_state_in_a_sweep_and_alone(small_data):
    """A measure with a parameter ``state`` gets the run's optimizer state, with Keras's slot
    names and one array per weight: the same in a sweep as from Keras's own variables."""

    def measure(weights, state):
        assert [a.shape for a in state["accumulator"]] == [w.shape for w in weights]
        return {"s_median": np.median(np.concatenate([a.ravel() for a in state["accumulator"]])),
                "s_first": state["accumulator"][0][3, 7]}  # fmt: skip

    swept = training.sweep("adagrad", [0.01, 0.03], data=small_data, epochs=2, measure=measure)
    alone = training.train("adagrad", small_data, epochs=2, learning_rate=0.03, measure=measure)
    for key in ("s_median", "s_first"):
        assert np.allclose(swept[0.03].history[key], alone.history[key], rtol=1e-4)
        assert swept[0.01].history[key] != swept[0.03].history[key]
    assert alone.history["s_median"][1] > alone.history["s_median"][0] > 0.1  # s0 = 0.1, grows
    mixed = training.compare({"m": "momentum", "a": "adam"}, data=small_data, epochs=1,
                             measure=lambda weights, state: {"slots": len(state)})  # fmt: skip
    assert mixed["m"].history["slots"] == [1] and mixed["a"].history["slots"] == [2]


@pytest.mark.parametrize(
    "settings",
    [dict(monitor="val_loss", factor=0.5, patience=1, min_delta=0.5),
     dict(monitor="val_accuracy", factor=0.3, patience=1, min_delta=0.2, cooldown=1, min_lr=0.004)],
)  # fmt: skip
def test_reduce_lr_on_plateau_trains_together_as_keras_applies_it(settings, small_data):
    """With a ReduceLROnPlateau, runs train together, each with its own bookkeeping: the same
    learning rate per epoch as Keras logs it for the run alone, and the same losses. The large
    min_delta makes the rate fall within these few epochs."""
    keras = backend.keras()
    callback = keras.callbacks.ReduceLROnPlateau(**settings)
    swept = training.sweep("momentum", [0.01, 0.02], data=small_data, epochs=4,
                           callbacks=[callback])  # fmt: skip
    assert all(isinstance(h, training.SweptHistory) for h in swept.values())
    alone = training.train("momentum", small_data, 4, learning_rate=0.02, callbacks=[callback])
    rates = alone.history["learning_rate"]
    assert rates[-1] < rates[0]  # the rule acted
    assert np.allclose(swept[0.02].history["learning_rate"], rates, rtol=1e-7)
    assert np.allclose(swept[0.02].history["loss"], alone.history["loss"], rtol=1e-4)
    assert swept[0.01].history["learning_rate"][0] == pytest.approx(0.01)


def test_a_plateau_rule_and_a_schedule_are_refused_together(small_data):
    keras = backend.keras()
    decay = keras.optimizers.schedules.ExponentialDecay(0.01, 100, 0.5)
    with pytest.raises(ValueError, match="plateau"):
        training.compare({"s": keras.optimizers.SGD(learning_rate=decay)}, data=small_data,
                         epochs=1, callbacks=[keras.callbacks.ReduceLROnPlateau()])  # fmt: skip


@pytest.mark.parametrize("kind", ["power", "exponential", "piecewise", "1cycle"])
def test_a_learning_rate_schedule_is_trained_as_keras_applies_it(kind, small_data):
    """Runs whose optimizer has a Keras schedule train together (with a constant-rate run)
    and each equals the same run alone."""
    from helpers import schedules

    steps = 2 * 20  # two epochs of 640 images in batches of 32
    parameters = {
        "power": {"initial_learning_rate": 0.05, "steps": 4},
        "exponential": {"initial_learning_rate": 0.05, "steps": 10},
        "piecewise": {"boundaries": [10, 25], "values": [0.05, 0.005, 0.0005]},
        "1cycle": {"total_steps": steps, "max_rate": 0.1},
    }[kind]

    def scheduled():
        schedule = schedules.keras_schedule(kind, **parameters)
        return keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)

    runs = training.compare({"scheduled": scheduled(), "constant": "momentum"},
                            data=small_data, epochs=2)  # fmt: skip
    assert isinstance(runs["scheduled"], training.SweptHistory)
    alone = training.train(scheduled(), data=small_data, epochs=2)
    assert _largest_difference(runs["scheduled"], alone) <= FIRST_EPOCH_TOLERANCE
    assert _largest_difference(runs["scheduled"], runs["constant"]) > 1e-3


def test_the_1cycle_schedule_sets_the_rates_of_the_1cycle_callback(small_data):
    from helpers import schedules

    callback = schedules.OneCycle(40, max_rate=0.1)
    with_callback = training.train("momentum", data=small_data, epochs=2, callbacks=[callback])
    schedule = schedules.keras_schedule("1cycle", total_steps=40, max_rate=0.1)
    rates = keras.ops.convert_to_numpy(schedule(np.arange(40)))
    assert np.allclose(rates, callback.rates, rtol=1e-6)
    swept = training.train_many(
        [{"optimizer": keras.optimizers.SGD(learning_rate=schedule, momentum=0.9)}],
        data=small_data, epochs=2,
    )[0]  # fmt: skip
    assert _largest_difference(swept, with_callback) <= FIRST_EPOCH_TOLERANCE


def test_each_run_is_cached_under_its_single_run_key(small_data, tmp_path, monkeypatch):
    monkeypatch.setenv("FASTER_OPTIMIZERS_DATA", str(tmp_path))
    training.sweep("adam", [0.001, 0.002], data=small_data, epochs=1, cache=True)
    assert len(list(training.runs_dir().glob("*.json"))) == 2
    alone = training.train("adam", data=small_data, epochs=1, learning_rate=0.002, cache=True)
    assert alone.cached
    # a sweep that overlaps trains only what is missing
    trained = []
    real_fit = batched.fit
    monkeypatch.setattr(
        batched, "fit", lambda runs, *a, **k: trained.append(len(runs)) or real_fit(runs, *a, **k)
    )
    again = training.sweep("adam", [0.001, 0.003], data=small_data, epochs=1, cache=True)
    assert trained == [1] and again[0.001].cached and not again[0.003].cached


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda d: training.sweep("adamm", [0.01], data=d, epochs=1), "unknown optimizer"),
        (lambda d: training.sweep("adam", [0.01, -1.0], data=d, epochs=1), "learning_rate"),
        (lambda d: training.compare({"A": "adam"}, data=d, epochs=1, beta_1=1.5), "beta_1"),
        (
            lambda d: training.sweep(
                "adam", [0.01], data=((d[0][0], d[0][1][:10]), d[1]), epochs=1
            ),
            "labels",
        ),
        (
            lambda d: training.sweep(
                "adam", [0.01], data=((d[0][0][:, :5], d[0][1]), d[1]), epochs=1
            ),
            "28 × 28",
        ),
    ],  # fmt: skip
)
def test_bad_settings_fail_before_any_training(call, message, small_data, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(batched, "fit", no_training)
    monkeypatch.setattr(training, "build_model", no_training)
    monkeypatch.setattr(batched, "build_model", no_training)
    with pytest.raises(ValueError, match=message):
        call(small_data)


def test_callbacks_train_one_run_after_the_other(small_data):
    class Counter(keras.callbacks.Callback):
        epochs = 0

        def on_epoch_end(self, epoch, logs=None):
            Counter.epochs += 1

    runs = training.sweep("gd", [0.01, 0.02], data=small_data, epochs=1, callbacks=[Counter()])
    assert Counter.epochs == 2 and not isinstance(runs[0.01], training.SweptHistory)


def test_the_environment_can_ask_for_every_run_alone(small_data, monkeypatch):
    """FASTER_OPTIMIZERS_ALONE=1 (benchmarks/alone.py): each run by Keras, as train gives it."""
    monkeypatch.setenv("FASTER_OPTIMIZERS_ALONE", "1")
    runs = training.sweep("adam", [0.001, 0.003], data=small_data, epochs=1)
    alone = training.train("adam", data=small_data, epochs=1, learning_rate=0.003)
    assert not isinstance(runs[0.003], training.SweptHistory)
    assert runs[0.003].history == alone.history
