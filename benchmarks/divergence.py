"""Where does a run trained in a batch part from the same run trained alone, and why?

Trains one run of the book's MLP two ways, step for step over the same batches, and compares
their weights after every step:

* "alone": Keras's own ``model.train_step`` over the batches in ``fit``'s order, as
  ``helpers.training.train`` (``helpers.fastfit``) runs them (``--check`` confirms that the
  weights after the epoch equal ``train``'s bit for bit);
* against it, ``--against batched``: the same run in a ``helpers.batched`` program (with
  ``--second-lr`` a second run beside it, ``--xla`` compiled as for long trainings); or
  ``--against ulp``: Keras again, from the first kernel moved by one unit in the last place.

Both agree to float32 rounding (≈1e-7…1e-6) until, in some batch, one example's pre-activation
of one ReLU unit lies within that rounding of 0: one side counts the unit as active, the other
not, and that example's gradient through the unit differs. The weights jump apart (Adam: by up
to η in one step, where the unit is rarely active and Adam's √v small) and the two runs go on
as two different, equally valid trainings. The script stops at the first such jump (a step
that multiplies the difference by ≥ 10 to above 1e-5) and prints the units that changed sign
in that batch, in each side's own forward pass.

    python benchmarks/divergence.py                       # Adam, η = 0.001, 32,000 images
    python benchmarks/divergence.py --against ulp         # Keras against Keras moved by 1 ulp
    python benchmarks/divergence.py --optimizer momentum --learning-rate 0.01
    python benchmarks/divergence.py --images 55000 --xla  # the full data, as a sweep runs it

Measured on one CPU (AVX-512, oneDNN on; seed 42, batch 32), largest weight difference:
  Adam, η = 0.001, 32,000 images: 8.4e-7 at step 278, 9.1e-5 at step 279 (layer 2, unit 70 of
    example 14: +1.5e-8 alone, −6.0e-7 batched), 1e-2 at step 300, 0.2 at step 1,000; the
    same with XLA and beside a second run (η = 0.003); Keras 1 ulp away: the same step and unit.
  Adam, 55,000 images, with or without XLA: 1.0e-6 at step 123, 9.2e-4 at step 124 (layer 2,
    unit 60, active on 1% of the images); Keras 1 ulp away: the same step and unit.
  Momentum, η = 0.01, 32,000 images: 1.8e-7 at step 195, 6.4e-5 at step 196 (layer 3, unit
    69); Keras 1 ulp away parts from Keras by 3.6e-7 at most in 1,000 steps (no unit crossed).
"""

from __future__ import annotations

import argparse
import dataclasses
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from helpers import batched, fastfit, mlp, training  # noqa: E402
from helpers import optimizers as O  # noqa: E402
from helpers.backend import keras as _keras  # noqa: E402
from helpers.data import course_data  # noqa: E402

JUMP = 10.0  # a step that multiplies the largest weight difference by this much …
FLOOR = 1e-5  # … to above this is a jump, not rounding


class Alone:
    """Keras's train_step over given batches, as fastfit runs an epoch (one call per chunk)."""

    def __init__(self, optimizer, X, y, seed, ulps=0):
        import tensorflow as tf

        model = mlp.build_model(seed)
        if ulps:
            weights = model.get_weights()
            for _ in range(ulps):
                weights[0] = np.nextafter(weights[0], np.copysign(np.inf, weights[0]))
            model.set_weights(weights)
        model.compile(
            loss="sparse_categorical_crossentropy",
            optimizer=optimizer.to_keras(),
            metrics=["accuracy"],
        )
        model._symbolic_build(data_batch=(X[:1], y[:1]))
        model.optimizer.build(model.trainable_variables)
        self.model, self.tf = model, tf
        X, y = tf.constant(X), tf.constant(y)

        def steps(index):
            def body(i):
                model.train_step((tf.gather(X, index[i]), tf.gather(y, index[i])))
                return (i + 1,)

            tf.while_loop(lambda i: i < tf.shape(index)[0], body, (tf.constant(0),))
            return tf.constant(0)

        self.steps = tf.function(steps)

        @tf.function
        def pre_activations(x):  # as each Dense layer computes them, before the activation
            z, h = [], x
            for layer in model.layers[1:]:
                z.append(tf.add(tf.matmul(h, layer.kernel), layer.bias))
                h = tf.nn.relu(z[-1])
            return z

        self._pre_activations = pre_activations

    def step(self, batch):
        self.steps(self.tf.constant(np.asarray(batch)[None], self.tf.int32))

    def pre_activations(self, x):
        return [z.numpy() for z in self._pre_activations(self.tf.constant(x))]

    def weights(self):
        return self.model.get_weights()


class Batched:
    """The run (and optionally a second one, another η) in one helpers.batched program."""

    def __init__(self, optimizer, data, seed, second_lr=None, xla=False):
        import tensorflow as tf

        runs = [batched.Run(optimizer, seed, l2=0.0)]
        if second_lr:
            runs.append(
                dataclasses.replace(runs[0], optimizer=optimizer.replace(learning_rate=second_lr))
            )
        (X, y), (X_valid, y_valid) = data
        tensors = batched._tensors(X, y, X_valid, y_valid)
        self.program = batched._Program(runs, batched._groups(runs), tensors, 32, xla)
        self.tf = tf
        stack = self.program.stack
        self._pre_activations = tf.function(stack.pre_activations, jit_compile=xla)

    def step(self, batch):
        index = np.zeros((1, 32), np.int32)
        index[0, : len(batch)] = batch
        self.program.train_epoch(self.tf.constant(index), self.tf.constant([len(batch)]))

    def weights(self):
        return self.program.final_weights()[0]

    def pre_activations(self, x):
        return [z[0].numpy() for z in self._pre_activations(self.tf.constant(x))]


def largest_difference(a, b):
    return max(float(np.abs(x - z).max()) for x, z in zip(a, b))


def sign_changes(za, zb):
    """Per hidden layer: the pre-activations that lie on different sides of 0 in za and zb
    (each side's own forward pass), or else the one closest to 0."""
    found = []
    for layer, (a, b) in enumerate(zip(za[:-1], zb[:-1]), start=1):
        flips = [tuple(int(i) for i in f) for f in np.argwhere((a > 0) != (b > 0))]
        closest = [np.unravel_index(np.abs(a).argmin(), a.shape)]
        found.append((layer, flips, [(f, a[f], b[f]) for f in flips or closest]))
    return found


def activity(weights, X, layer, unit):
    """The share of images on which a hidden unit is active."""
    h = X.astype(np.float64)
    for j in range(0, 2 * layer, 2):
        h = np.maximum(h @ weights[j] + weights[j + 1], 0)
    return float(np.mean(h[:, unit] > 0))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--optimizer", default="adam")
    parser.add_argument("--learning-rate", type=float, default=0.001)
    parser.add_argument("--images", type=int, default=32000, help="training images (≤ 55,000)")
    parser.add_argument("--steps", type=int, default=1000, help="at most this many steps")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--against", choices=["batched", "ulp"], default="batched")
    parser.add_argument("--second-lr", type=float, help="batched: a second run with this η")
    parser.add_argument("--xla", action="store_true", help="batched: compiled with XLA")
    parser.add_argument("--every", type=int, default=25, help="print every this many steps")
    parser.add_argument("--go-on", action="store_true", help="do not stop at the first jump")
    parser.add_argument("--check", action="store_true", help="compare with training.train")
    args = parser.parse_args()

    keras = _keras()
    (X, y), valid, _ = course_data()
    X = np.asarray(X, np.float32)[: args.images]
    y = np.asarray(y)[: args.images]
    optimizer = O.get(args.optimizer, learning_rate=args.learning_rate)
    keras.utils.set_random_seed(args.seed)
    order = fastfit.batch_order(len(X), 1, 32)[0][: args.steps]
    alone = Alone(optimizer, X, y, args.seed)
    if args.against == "ulp":
        other = Alone(optimizer, X, y, args.seed, ulps=1)
    else:
        other = Batched(optimizer, ((X, y), valid), args.seed, args.second_lr, args.xla)
    print(f"{optimizer!r} on {len(X)} images: Keras alone against {args.against}")
    previous = (alone.weights(), other.weights())
    before = largest_difference(*previous)
    for step, batch in enumerate(order, start=1):
        x = X[batch].reshape(len(batch), -1)
        entering = (alone.pre_activations(x), other.pre_activations(x))
        alone.step(batch)
        other.step(batch)
        now = (alone.weights(), other.weights())
        difference = largest_difference(*now)
        jumped = difference > FLOOR and difference > JUMP * max(before, 1e-12)
        if step % args.every == 0 or jumped:
            layers = " ".join(f"{largest_difference([a], [b]):.1e}" for a, b in zip(*now))
            print(f"step {step:5d}: largest weight difference {difference:.2e}  ({layers})")
        if jumped:
            print(f"  a jump at step {step}; its batch, in each side's forward pass:")
            for layer, flips, shown in sign_changes(*entering):
                what = f"{len(flips)} sign change(s)" if flips else "no sign change; closest"
                for (example, unit), za, zb in shown[:3]:
                    share = activity(previous[0], X[:5000].reshape(5000, -1), layer, unit)
                    print(
                        f"  layer {layer}: {what}: example {example}, unit {unit}: "
                        f"{za:+.2e} alone, {zb:+.2e} {args.against} (unit active on "
                        f"{share:.1%} of 5,000 images)"
                    )
            if not args.go_on:
                break
        previous, before = now, difference
    if args.check:
        history = training.train(
            optimizer, data=((X, y), valid), epochs=1, seed=args.seed, verbose=False
        )
        check = Alone(optimizer, X, y, args.seed)
        keras.utils.set_random_seed(args.seed)
        for batch in fastfit.batch_order(len(X), 1, 32)[0]:
            check.step(batch)
        gap = largest_difference(history.model.get_weights(), check.weights())
        print(f"this loop against training.train after the epoch: {gap:.1e}")


if __name__ == "__main__":
    main()
