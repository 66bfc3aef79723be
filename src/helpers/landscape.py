"""The loss landscape of the book's MLP: where several optimizers go in weight space, and the
loss over a plane through their common start (Li et al. 2018, "Visualizing the Loss Landscape
of Neural Nets").

    >>> from helpers import landscape
    >>> scape = landscape.compute(["gd", "momentum", "adam"])   # trains, projects, evaluates
    >>> scape.explained                  # share of each path's squared distance the plane keeps
    >>> scape.own                        # ... that the plane of its own two directions keeps
    >>> scape.grid.shape                 # (31, 31) losses on 5,000 training images

Each optimizer trains the MLP of ``helpers.training`` from the same initial weights and batch
order (same seed); a callback records all its weights, flattened into one vector of about
100,000 numbers, at the start and after every epoch. The plane goes through the common start,
spanned by the two principal directions of the pooled trajectories: the first two right
singular vectors of the matrix whose rows are every recorded point minus the start (PCA
without centring, so that the start stays at the origin of the plane). ``random_plane`` gives
the other plane of Li et al.: two random directions, each scaled filter by filter (here: each
unit's incoming weights) to the norm of the start's weights.

The loss on the plane is evaluated in batches of grid points: the weights of many points at
once, and the MLP's forward pass as batched matrix products. The first layer is linear in the
two coordinates, so its 5,000 × 784 products are done three times in all, not once per point
(and twice for the points of a straight line between two weight vectors: ``combination_losses``).
The loss is Keras's sparse categorical cross-entropy on the softmax's logits (what
``model.evaluate`` computes), in float32.

``compute(..., cache=True)`` keeps the result (coordinates, grid, losses, shares; not the raw
weights) under ``training.runs_dir()``, keyed by every setting and the Keras version.

Does what the plane keeps depend on the seed? ``pca_shares`` trains the same optimizers from
other seeds' initial weights and batch orders, all together (``training.train_many``), and
keeps only the shares (``Shares``: no grid), cached the same way:

    >>> per_seed = {scape.spec["seed"]: landscape.Shares.of(scape)}
    >>> per_seed |= landscape.pca_shares(seeds=(43, 44))     # {seed: Shares}
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from . import config, training
from .backend import keras as _keras
from .data import atomic_write
from .mlp import build_model
from .verdicts import SEEDS

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
EPOCHS = 5  # in full mode (2 in quick mode): the paths are recorded once per epoch
IMAGES = 5000  # training images the grid's loss is measured on
VERSION = 4  # of the cached result's format and computation


def grid_size() -> int:
    """Points per side of the grid: 31, or 9 in quick mode."""
    return 9 if config.quick_mode() else 31


# --------------------------------------------------------------------------------------------
# Recording the weights


def flat_weights(model) -> np.ndarray:
    """All the model's weights, flattened into one float32 vector (Keras's order)."""
    return np.concatenate([np.ravel(w) for w in model.get_weights()]).astype(np.float32)


def weight_shapes(model) -> list[tuple[int, ...]]:
    """The shapes of the model's weights, in the order of ``flat_weights``."""
    return [tuple(w.shape) for w in model.get_weights()]


def recorder():
    """A Keras callback that keeps ``flat_weights`` at the start and after every epoch
    (in ``.points``, and the shapes in ``.shapes``); epoch-level, so training stays fast."""
    keras = _keras()

    class WeightRecorder(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.points, self.shapes = [], None

        def on_train_begin(self, logs=None):
            self.shapes = weight_shapes(self.model)
            self.points = [flat_weights(self.model)]

        def on_epoch_end(self, epoch, logs=None):
            self.points.append(flat_weights(self.model))

    return WeightRecorder()


def record(optimizer, data=None, epochs=None, seed: int = config.SEED, **kwargs):
    """Train the MLP with ``optimizer`` and return (points (epochs + 1, n), shapes, history)."""
    weights = recorder()
    history = training.train(
        optimizer, data=data, epochs=epochs, seed=seed, callbacks=[weights], **kwargs
    )
    return np.stack(weights.points), weights.shapes, history


# --------------------------------------------------------------------------------------------
# The plane


@dataclass
class Plane:
    """The plane ``origin + a·directions[0] + b·directions[1]`` of weight space."""

    origin: np.ndarray
    directions: np.ndarray  # (2, n)
    kind: str = "pca"
    singular_values: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def coordinates(self, points) -> np.ndarray:
        """(a, b) of each point's orthogonal projection onto the plane: (..., 2)."""
        D = np.asarray(self.directions, dtype=np.float64)
        offsets = np.asarray(points, dtype=np.float64) - self.origin
        return np.linalg.solve(D @ D.T, D @ offsets.reshape(-1, D.shape[1]).T).T.reshape(
            *offsets.shape[:-1], 2
        )

    def point(self, coordinates) -> np.ndarray:
        """The weights at plane coordinates (..., 2): (..., n)."""
        c = np.asarray(coordinates, dtype=np.float64)
        return self.origin + c @ np.asarray(self.directions, dtype=np.float64)

    def explained(self, points) -> float:
        """The share of the points' summed squared distance from the origin that lies in the
        plane: 1 for points in the plane, 0 for points orthogonal to it."""
        offsets = np.asarray(points, dtype=np.float64) - self.origin
        total = float(np.sum(offsets**2))
        if total == 0:
            return 1.0
        inside = self.point(self.coordinates(points)) - self.origin
        return float(np.sum(inside**2)) / total

    def variance_shares(self) -> np.ndarray:
        """PCA only: each principal direction's share of the pooled squared distances."""
        s2 = np.asarray(self.singular_values, dtype=np.float64) ** 2
        return s2 / s2.sum() if s2.size else s2


def pca_plane(paths, origin=None) -> Plane:
    """The plane through ``origin`` (default: the paths' common first point) spanned by the two
    principal directions of every point of every path minus the origin (uncentred PCA).

    paths: {name: (k, n)} or a list of (k, n) arrays. The directions are orthonormal, and each
    points so that the paths' last points have a positive mean coordinate along it.
    """
    paths = list(paths.values()) if isinstance(paths, dict) else list(paths)
    paths = [np.asarray(p, dtype=np.float64) for p in paths]
    if origin is None:
        origin = paths[0][0]
        if any(not np.array_equal(p[0], origin) for p in paths):
            raise ValueError("the paths start at different points: give the plane's origin")
    origin = np.asarray(origin, dtype=np.float64)
    offsets = np.concatenate([p - origin for p in paths])
    _, singular, vt = np.linalg.svd(offsets, full_matrices=False)
    if len(singular) < 2 or singular[1] <= singular[0] * 1e-12:
        raise ValueError("the paths span less than a plane: record more points")
    ends = np.stack([p[-1] - origin for p in paths])
    signs = np.where(ends.mean(axis=0) @ vt[:2].T < 0, -1.0, 1.0)
    return Plane(origin, vt[:2] * signs[:, None], "pca", singular)


def random_plane(origin, shapes, seed: int = config.SEED) -> Plane:
    """Two random, filter-normalised directions through ``origin`` (Li et al. 2018): each
    Gaussian direction is rescaled, unit by unit (a column of a Dense kernel), to the norm of
    the origin's weights into that unit; the directions of biases are zero."""
    rng = np.random.default_rng(seed)
    origin = np.asarray(origin, dtype=np.float64)
    directions = []
    for _ in range(2):
        parts, start = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            w = origin[start : start + size].reshape(shape)
            if len(shape) < 2:
                parts.append(np.zeros(size))
            else:
                d = rng.standard_normal(shape)
                d *= np.linalg.norm(w, axis=0) / np.linalg.norm(d, axis=0)
                parts.append(d.ravel())
            start += size
        directions.append(np.concatenate(parts))
    return Plane(origin, np.stack(directions), "random")


def own_share(path) -> float:
    """The share of a path's squared distances from its first point that the plane of its own
    two principal directions keeps: ``pca_plane([path]).explained(path)``, from the two largest
    eigenvalues of the offsets' k × k Gram matrix (the squared singular values), without the
    directions (far faster for k ≪ n)."""
    offsets = np.asarray(path, dtype=np.float64) - np.asarray(path[0], dtype=np.float64)
    squares = np.linalg.eigvalsh(offsets @ offsets.T)  # ascending
    total = float(squares.sum())
    return float(squares[-2:].sum()) / total if total > 0 else 1.0


def kept(points: dict, plane: Plane | None = None) -> dict:
    """What a plane (default: the PCA plane of the paths) keeps of the paths {name: (k, n)}:
    ``explained`` (each path's share in it), ``own`` (each path's share in the plane of its own
    two principal directions), ``pooled`` (all the paths' share) and ``shares`` (each principal
    direction's share of the pooled squared distances; PCA planes only)."""
    plane = pca_plane(points) if plane is None else plane
    return {
        "explained": {k: plane.explained(p) for k, p in points.items()},
        "own": {k: own_share(p) if len(p) > 2 else 1.0 for k, p in points.items()},
        "pooled": plane.explained(np.concatenate(list(points.values()))),
        "shares": plane.variance_shares(),
    }


# --------------------------------------------------------------------------------------------
# The loss, many weight vectors at once


def _split(weights, shapes):
    """(G, n) flat weights → per layer, (G, *shape) arrays."""
    parts, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        parts.append(weights[:, start : start + size].reshape(len(weights), *shape))
        start += size
    return parts


def _loss(first, layers, y):
    """Mean cross-entropy per point, from the first layer's pre-activations (g, N, h) and the
    other layers' (kernel (g, ...), bias (g, ...)) pairs: Keras's loss on the softmax's logits."""
    import tensorflow as tf

    hidden = first
    for kernel, bias in layers:
        hidden = tf.matmul(tf.nn.relu(hidden), kernel) + bias[:, None, :]
    labels = tf.broadcast_to(y, tf.shape(hidden)[:2])
    entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=hidden)
    return tf.reduce_mean(entropy, axis=1).numpy()


def _inputs(X, y):
    import tensorflow as tf

    X = np.asarray(X, dtype=np.float32).reshape(len(X), -1)
    return tf.constant(X), tf.constant(np.asarray(y, dtype=np.int32))


def _pairs(parts):
    return list(zip(parts[::2], parts[1::2], strict=True))


def losses(weights, X, y, shapes, chunk: int = 16) -> np.ndarray:
    """The MLP's loss on (X, y) for each row of ``weights`` (G, n): (G,) float32."""
    import tensorflow as tf

    X, y = _inputs(X, y)
    weights = np.asarray(weights, dtype=np.float32)
    out = []
    for i in range(0, len(weights), chunk):
        kernel, bias, *rest = _split(weights[i : i + chunk], shapes)
        first = tf.einsum("nd,gdh->gnh", X, kernel) + bias[:, None, :]
        out.append(_loss(first, _pairs(rest), y))
    return np.concatenate(out)


def combination_losses(basis, coefficients, X, y, shapes, chunk: int = 32) -> np.ndarray:
    """The MLP's loss on (X, y) at each weight vector ``coefficients[i] @ basis``: (g,) for
    coefficients (g, k) and a basis of k weight vectors (k, n), such as a plane's origin and
    directions, or a line's two ends.

    Batched: ``chunk`` points per call into TensorFlow. The first layer's pre-activations are
    linear in the weights, so X times the first kernel of each basis vector is computed once
    (k products with all of X), not once per point.
    """
    import tensorflow as tf

    X, y = _inputs(X, y)
    basis = np.asarray(basis, dtype=np.float32)
    kernel, bias, *rest = _split(basis, shapes)
    first = tf.einsum("nd,kdh->knh", X, kernel) + bias[:, None, :]  # (k, N, h)
    coefficients = np.asarray(coefficients, dtype=np.float32)
    rest = [part.reshape(len(basis), -1) for part in rest]
    out = []
    for i in range(0, len(coefficients), chunk):
        c = coefficients[i : i + chunk]  # (g, k)
        hidden = tf.einsum("gk,knh->gnh", c, first)
        layers = [(c @ part).reshape(len(c), *shape) for part, shape in zip(rest, shapes[2:])]
        out.append(_loss(hidden, _pairs(layers), y))
    return np.concatenate(out)


def plane_losses(plane: Plane, coordinates, X, y, shapes, chunk: int = 32) -> np.ndarray:
    """The loss at the plane's points of coordinates (..., 2): (...)."""
    c = np.asarray(coordinates, dtype=np.float32)
    flat = c.reshape(-1, 2)
    coefficients = np.concatenate([np.ones((len(flat), 1), np.float32), flat], axis=1)
    basis = np.stack([plane.origin, *plane.directions])
    return combination_losses(basis, coefficients, X, y, shapes, chunk).reshape(c.shape[:-1])


def loss_grid(plane: Plane, alphas, betas, X, y, shapes, chunk: int = 32) -> np.ndarray:
    """The loss at every point ``origin + a·d₁ + b·d₂`` of the grid: (len(betas), len(alphas)),
    in batches (``combination_losses``)."""
    A, B = np.meshgrid(np.asarray(alphas, np.float32), np.asarray(betas, np.float32))
    return plane_losses(plane, np.stack([A, B], axis=-1), X, y, shapes, chunk)


def line_losses(start, end, X, y, shapes, points: int = 11) -> np.ndarray:
    """The loss at ``points`` evenly spaced weights on the straight line from start to end."""
    t = np.linspace(0.0, 1.0, points)[:, None]
    return combination_losses(np.stack([start, end]), np.hstack([1 - t, t]), X, y, shapes)


def cosines(vectors) -> np.ndarray:
    """The cosines between every pair of vectors (rows): a symmetric matrix, 1 on its diagonal."""
    v = np.asarray(vectors, dtype=np.float64)
    unit = v / np.linalg.norm(v, axis=1, keepdims=True)
    return unit @ unit.T


def grid_axes(coordinates, n: int, margin: float = 0.25):
    """Evenly spaced a and b values covering every projected point and the origin, with a
    ``margin`` (share of the span) on each side."""
    points = np.concatenate([np.zeros((1, 2)), *[np.asarray(c) for c in coordinates]])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = margin * np.maximum(high - low, 1e-12)
    return tuple(np.linspace(low[k] - pad[k], high[k] + pad[k], n) for k in range(2))


# --------------------------------------------------------------------------------------------
# The whole computation, cached


class _Saved:
    """A result that is saved as JSON (``from_json`` reads it back, with ``cached`` True)."""

    def to_json(self) -> str:
        record = asdict(self)
        record.pop("cached")
        return json.dumps(record, default=lambda a: np.asarray(a).tolist())


@dataclass
class Landscape(_Saved):
    """Paths and loss over the plane. Per optimizer: ``coordinates`` (epochs + 1, 2),
    ``path_loss`` (the loss at the real weights after each epoch, on the grid's images),
    ``plane_loss`` (the loss at their projections onto the plane), ``explained`` (share of the
    path's squared distance from the start inside the plane) and ``history`` (Keras's)."""

    names: list[str]
    alphas: np.ndarray
    betas: np.ndarray
    grid: np.ndarray
    coordinates: dict
    path_loss: dict
    plane_loss: dict
    explained: dict
    own: dict  # share of each path in the plane of its own two principal directions
    pooled: float  # share of all the paths' squared distances inside the plane
    shares: np.ndarray  # each principal direction's share (all of them)
    history: dict
    spec: dict
    seconds: dict  # training and grid times of the run that computed it
    random_centre: str = ""  # the optimizer whose end point the random plane goes through
    random_axis: np.ndarray = field(default_factory=lambda: np.zeros(0))  # both axes
    random_grid: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    random_explained: float = float("nan")  # share of that path inside the random plane
    shapes: list = field(default_factory=list)  # of the model's weights, in the flat order
    # cosines between the optimizers' whole moves θ_end − θ₀ (all the weights), in names' order
    cosines: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    # the loss on the straight line between two optimizers' last weights ("a|b": 11 points)
    between: dict = field(default_factory=dict)
    cached: bool = False

    @property
    def size(self) -> int:
        """How many weights the model has (the dimension of the weight space)."""
        return sum(int(np.prod(shape)) for shape in self.shapes)

    @classmethod
    def from_json(cls, text: str) -> Landscape:
        record = json.loads(text)
        for key in ("alphas", "betas", "grid", "shares", "random_axis", "random_grid", "cosines"):
            record[key] = np.asarray(record[key], dtype=float)
        for key in ("coordinates", "path_loss", "plane_loss", "between"):
            record[key] = {k: np.asarray(v, dtype=float) for k, v in record[key].items()}
        return cls(**record, cached=True)


def _fingerprint(*arrays) -> str:
    digest = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        digest.update(str((a.shape, a.dtype.str)).encode())
        digest.update(a.tobytes())
    return digest.hexdigest()[:20]


def _training_spec(what, optimizers, data, epochs, seed) -> dict:
    """The settings that the recorded paths depend on."""
    keras = _keras()
    settings = {}
    for name in optimizers:
        config_ = training.keras_optimizer(name).get_config()
        config_.pop("name", None)
        settings[name] = config_
    (X_train, y_train), (X_valid, y_valid) = data
    return {
        "what": what,
        "version": VERSION,
        "optimizers": settings,
        "epochs": epochs,
        "seed": seed,
        "batch_size": training.BATCH_SIZE,
        "train": _fingerprint(np.asarray(X_train)[:, ::7, ::7], y_train),
        "valid": _fingerprint(np.asarray(X_valid)[:, ::7, ::7], y_valid),
        "keras": keras.__version__,
    }


def spec_of(optimizers, data, epochs, seed, n, images, margin) -> dict:
    """Every setting the result depends on (the cache key is its hash)."""
    spec = _training_spec("landscape", optimizers, data, epochs, seed)
    return spec | {"grid": n, "images": images, "margin": margin}


def cache_path(spec: dict):
    key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:20]
    return training.runs_dir() / f"{spec['what'].replace(' ', '-')}-{key}.json"


def _read(path, kind):
    """A cached result, or None where there is none (or it cannot be read)."""
    try:
        return kind.from_json(path.read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path, result) -> None:
    try:
        atomic_write(path, result.to_json().encode())
    except OSError:
        pass  # a read-only checkout: the result is simply not kept


def _course_pairs(data):
    """``data``, or by default the course's training and validation pairs."""
    if data is not None:
        return data
    from .data import course_data

    train_pair, valid_pair, _ = course_data()
    return train_pair, valid_pair


def compute(
    optimizers=OPTIMIZERS,
    data=None,
    epochs: int | None = None,
    seed: int = config.SEED,
    n: int | None = None,
    images: int = IMAGES,
    margin: float = 0.25,
    random_centre: str | None = "adam",
    cache: bool | str = False,
    verbose: bool | None = None,
) -> Landscape:
    """Train the MLP with each optimizer (course names) from the same weights, project the
    paths onto their PCA plane and evaluate the loss on an n × n grid over it.

    data: ``((X_train, y_train), (X_valid, y_valid))``, default the course data (quick mode:
    its small subset). epochs: default ``EPOCHS``, or 2 in quick mode. The grid's loss is on
    the first ``images`` training images.
    random_centre: also the loss over a filter-normalised random plane (``random_plane``)
    through this optimizer's last weights, coordinates −1 to 1 (None: not computed).
    cache: True to read a saved result with the same settings (or save this one), "refresh"
    to compute again and overwrite it.
    """
    data = _course_pairs(data)
    epochs = config.epochs(full=EPOCHS) if epochs is None else int(epochs)
    n = grid_size() if n is None else int(n)
    names = list(optimizers)
    spec = spec_of(names, data, epochs, seed, n, images, margin)
    spec["random_centre"] = random_centre
    path = cache_path(spec)
    if cache and cache != "refresh":
        found = _read(path, Landscape)
        if found is not None:
            if training._in_notebook() if verbose is None else verbose:  # noqa: SLF001
                print(f"landscape of {', '.join(names)}: {training.SAVED_RUN}")
            return found
    seconds = {}
    points, history, shapes = {}, {}, None
    start = time.perf_counter()
    for name in names:
        points[name], shapes, h = record(
            name, data=data, epochs=epochs, seed=seed, verbose=verbose, label=name
        )
        history[name] = {k: [float(v) for v in values] for k, values in h.history.items()}
    seconds["training"] = time.perf_counter() - start
    plane = pca_plane(points)
    coordinates = {name: plane.coordinates(p) for name, p in points.items()}
    alphas, betas = grid_axes(coordinates.values(), n, margin)
    X, y = data[0][0][:images], data[0][1][:images]
    start = time.perf_counter()
    grid = loss_grid(plane, alphas, betas, X, y, shapes)
    seconds["grid"] = time.perf_counter() - start
    result = Landscape(
        names=names,
        alphas=alphas,
        betas=betas,
        grid=grid.astype(float),
        coordinates=coordinates,
        path_loss={k: losses(p, X, y, shapes).astype(float) for k, p in points.items()},
        plane_loss={
            k: plane_losses(plane, c, X, y, shapes).astype(float) for k, c in coordinates.items()
        },
        **kept(points, plane),
        history=history,
        spec=spec,
        seconds=seconds,
        shapes=[list(shape) for shape in shapes],
        cosines=cosines([points[name][-1] - points[name][0] for name in names]),
        between={
            f"{a}|{b}": line_losses(points[a][-1], points[b][-1], X, y, shapes).astype(float)
            for k, a in enumerate(names)
            for b in names[k + 1 :]
        },
    )
    if random_centre is not None:
        end = points[random_centre][-1]
        around = random_plane(end, shapes, seed)
        result.random_centre = random_centre
        result.random_axis = np.linspace(-1.0, 1.0, n)
        result.random_grid = loss_grid(
            around, result.random_axis, result.random_axis, X, y, shapes
        ).astype(float)
        result.random_explained = around.explained(points[random_centre])
    if cache:
        _write(path, result)
    return result


# --------------------------------------------------------------------------------------------
# The shares on other seeds (no grid)


@dataclass
class Shares(_Saved):
    """What the PCA plane of one seed's paths keeps (as in ``Landscape``): ``pooled``, the
    share of all the paths' squared distances from the start in the plane of the first two
    principal directions; ``shares``, each principal direction's share; per optimizer
    ``explained`` (its path's share in that plane) and ``own`` (in the plane of its own two
    principal directions). ``seconds``: the time of the training that recorded the paths (with
    ``pca_shares``, of every seed trained together)."""

    seed: int
    pooled: float
    shares: np.ndarray
    explained: dict
    own: dict
    spec: dict = field(default_factory=dict)
    seconds: float = float("nan")
    cached: bool = False

    @classmethod
    def of(cls, scape: Landscape) -> Shares:
        """A landscape's own shares (its seed's paths, recorded by its callback)."""
        seconds = scape.seconds.get("training", float("nan"))
        return cls(scape.spec["seed"], scape.pooled, scape.shares, scape.explained, scape.own,
                   scape.spec, seconds, scape.cached)  # fmt: skip

    @classmethod
    def from_json(cls, text: str) -> Shares:
        record = json.loads(text)
        record["shares"] = np.asarray(record["shares"], dtype=float)
        return cls(**record, cached=True)


def pca_shares(
    optimizers=OPTIMIZERS,
    seeds=SEEDS,
    data=None,
    epochs: int | None = None,
    cache: bool | str = False,
    verbose: bool | None = None,
) -> dict[int, Shares]:
    """{seed: Shares}: for each seed, the MLP trained with each optimizer (course names) from
    that seed's initial weights and batch order, its weights recorded at the start and after
    every epoch, and what the PCA plane of those paths keeps. No grid, no losses.

    The runs of every seed not in the cache train together (``training.train_many``, its
    ``measure`` records the weights): far faster than one after the other, and the same
    training as ``compute``'s to float32 rounding until the two part (``helpers.batched``), so
    that the numbers of a seed may differ a little from ``compute``'s for that seed; use
    ``Shares.of(landscape)`` for the seed whose landscape is drawn.
    data, epochs: as in ``compute``. cache: as in ``compute``, one file per seed.
    """
    data = _course_pairs(data)
    epochs = config.epochs(full=EPOCHS) if epochs is None else int(epochs)
    names = list(optimizers)
    specs = {s: _training_spec("landscape shares", names, data, epochs, int(s)) for s in seeds}
    found = {}
    if cache and cache != "refresh":
        for seed, spec in specs.items():
            if (result := _read(cache_path(spec), Shares)) is not None:
                found[seed] = result
        if found and (training._in_notebook() if verbose is None else verbose):  # noqa: SLF001
            print(f"PCA shares of seeds {', '.join(map(str, found))}: {training.SAVED_RUN}")
    todo = [seed for seed in specs if seed not in found]
    if todo:
        recorded = []

        def measure(weights):
            """Keeps a copy of a run's weights; the number returned joins that run's history,
            so that each run finds its own points."""
            recorded.append(np.concatenate([np.ravel(w) for w in weights]).astype(np.float32))
            return {"recorded": len(recorded) - 1}

        runs = [{"optimizer": name, "seed": int(s), "label": name} for s in todo for name in names]
        start = time.perf_counter()
        histories = training.train_many(
            runs, data=data, epochs=epochs, verbose=verbose, label="PCA", measure=measure
        )
        seconds = time.perf_counter() - start
        for k, seed in enumerate(todo):
            origin = flat_weights(build_model(int(seed)))
            points = {}
            for name, history in zip(names, histories[k * len(names) : (k + 1) * len(names)]):
                after = [recorded[int(i)] for i in history.history["recorded"]]
                points[name] = np.stack([origin, *after])
            found[seed] = Shares(int(seed), **kept(points), spec=specs[seed], seconds=seconds)
            if cache:
                _write(cache_path(specs[seed]), found[seed])
    return {seed: found[seed] for seed in specs}


# --------------------------------------------------------------------------------------------
# The shape of the loss over the plane


def shape_of(alphas, betas, grid) -> dict:
    """What the grid shows, by finite differences in the plane's coordinates (distances in
    weight space when the directions are orthonormal, as PCA's are):

    lowest (a, b) and value, and whether it lies on the grid's edge; the two curvatures (the
    eigenvalues of the 2 × 2 Hessian) there and their ratio, the in-plane condition number;
    the share of the grid's interior where the Hessian has a negative eigenvalue (not convex)
    and where its eigenvalues have opposite signs (saddle-shaped); the share where the slope is
    below 5 % of its median (flat, a plateau).
    """
    grid = np.asarray(grid, dtype=float)
    alphas, betas = np.asarray(alphas, dtype=float), np.asarray(betas, dtype=float)
    d_b, d_a = np.gradient(grid, betas, alphas)
    h_aa = np.gradient(d_a, alphas, axis=1)
    h_ab = np.gradient(d_a, betas, axis=0)
    h_bb = np.gradient(d_b, betas, axis=0)
    middle, spread = (h_aa + h_bb) / 2, np.hypot((h_aa - h_bb) / 2, h_ab)
    low, high = middle - spread, middle + spread
    inner = (slice(1, -1), slice(1, -1))
    i, j = np.unravel_index(np.argmin(grid), grid.shape)
    slope = np.hypot(d_a, d_b)
    at = (min(max(i, 1), grid.shape[0] - 2), min(max(j, 1), grid.shape[1] - 2))
    return {
        "lowest": (float(alphas[j]), float(betas[i])),
        "lowest_loss": float(grid[i, j]),
        "on_edge": bool(i in (0, grid.shape[0] - 1) or j in (0, grid.shape[1] - 1)),
        "curvatures": (float(low[at]), float(high[at])),
        "condition": float(high[at] / low[at]) if low[at] > 0 else float("inf"),
        "not_convex": float(np.mean(low[inner] < 0)),
        "saddle_shaped": float(np.mean((low[inner] < 0) & (high[inner] > 0))),
        "flat": float(np.mean(slope < 0.05 * np.median(slope))),
    }
