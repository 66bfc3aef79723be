"""Fashion-MNIST for the course: found on this computer or downloaded, checked, and cached.

``load_fashion_mnist()`` gives the split used in the book *Hands-On Machine Learning*:
55,000 training, 5,000 validation and 10,000 test images of 28×28 pixels scaled to [0, 1].
``course_data()`` gives the same, or a small fixed class-balanced subset in quick mode.

The four original files are looked for, in this order, in:

1. the folder named by ``$FASTER_OPTIMIZERS_DATA``;
2. the course's ``data/`` folder;
3. ``/usr/share/datasets/fashion-mnist`` (Debian/Ubuntu package ``dataset-fashion-mnist``);
4. the Keras cache (``~/.keras/datasets/fashion-mnist``, or under ``$KERAS_HOME``);
5. the user cache folder (where downloads go when there is no course checkout);

otherwise they are downloaded and saved into the cache folder for next time. Each file may be
gzipped (``name.gz``) or not, and is checked against its known SHA-256: a damaged or unexpected
file raises a clear error instead of giving wrong pictures. The first load also saves
``fashion-mnist.npz``, an uncompressed copy that later loads read in a fraction of a second
(checked against the same hashes). ``python -m helpers.data`` (``make data``) fetches the data
and says where it came from.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gzip
import hashlib
import http.client
import math
import os
import struct
import sys
import tempfile
import time
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np

from . import config

CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip

TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"
FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

# SHA-256 of each file's IDX bytes once decompressed: the same whoever gzipped it.
SHA256 = {
    TRAIN_IMAGES: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    TRAIN_LABELS: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    TEST_IMAGES: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    TEST_LABELS: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
MIRRORS = (
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
)
DOWNLOAD_TIMEOUT = 30  # seconds of silence before a mirror counts as unreachable
FAST_COPY = "fashion-mnist.npz"
VALID_SIZE = 5000  # the first 5,000 training images are the validation set
QUICK_PER_CLASS = (200, 100, 100)  # train, valid, test images per class in quick mode
IMAGE_SHAPE = (28, 28)


class FashionMNISTError(RuntimeError):
    """Fashion-MNIST could not be loaded; the message says why and what to do."""


class DataNotFoundError(FashionMNISTError):
    """No complete set of the four files was found, and downloading them failed."""


class ChecksumError(FashionMNISTError):
    """A file is readable but does not hold the expected data (wrong SHA-256)."""


class IdxFormatError(FashionMNISTError):
    """A file is truncated, not valid gzip, or not an IDX file of the expected shape."""


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where loaded arrays came from: a ``source`` found at ``location`` (folder or URL).

    ``warm`` is True when they were read from the fast copy ``fast_copy``; otherwise
    ``fast_copy`` is the fast copy saved after the load, if any.
    """

    source: str
    location: str
    fast_copy: Path | None = None
    warm: bool = False

    def __str__(self) -> str:
        if self.warm:
            return f"fast copy {self.fast_copy}, made from {self.source} ({self.location})"
        saved = f"; fast copy saved to {self.fast_copy}" if self.fast_copy else ""
        return f"{self.source} ({self.location}){saved}"


def load_fashion_mnist():
    """``(X_train, y_train), (X_valid, y_valid), (X_test, y_test)`` of Fashion-MNIST.

    Images are float32 in [0, 1] of shape (n, 28, 28), labels uint8 (see ``CLASS_NAMES``).
    The validation set is the first 5,000 of the 60,000 original training images.
    """
    return _scaled(_split(load_raw()[0]))


def course_data(quick: bool | None = None):
    """The data the notebooks train on: ``load_fashion_mnist()``, or in quick mode a fixed
    class-balanced subset of 200 (train), 100 (valid) and 100 (test) images per class.

    ``quick=None`` follows the environment (``FASTER_OPTIMIZERS_QUICK=1``).
    """
    if quick is None:
        quick = config.quick_mode()
    pairs = _split(load_raw()[0])
    if quick:
        pairs = tuple(
            balanced_subset(X, y, n) for (X, y), n in zip(pairs, QUICK_PER_CLASS, strict=True)
        )
    return _scaled(pairs)


def balanced_subset(X, y, per_class: int, n_classes: int = len(CLASS_NAMES)):
    """The first ``per_class`` examples of each class 0 … ``n_classes - 1``, in original order.

    There is no randomness: the same arrays always give the same subset. Raises ValueError
    when a class has fewer than ``per_class`` examples.
    """
    y = np.asarray(y)
    if len(X) != len(y) or per_class < 0:
        raise ValueError(
            f"need as many examples as labels and per_class >= 0, got "
            f"{len(X)} examples, {len(y)} labels, per_class={per_class}"
        )
    chosen = []
    for label in range(n_classes):
        where = np.flatnonzero(y == label)
        if len(where) < per_class:
            raise ValueError(
                f"class {label} has only {len(where)} examples, {per_class} are needed"
            )
        chosen.append(where[:per_class])
    index = np.sort(np.concatenate(chosen))
    return X[index], y[index]


def load_raw(use_cache: bool = True) -> tuple[dict[str, np.ndarray], Origin]:
    """The four original uint8 arrays (read-only), keyed by file name, and their ``Origin``.

    With ``use_cache`` a verified fast copy is read if there is one, and saved after a load
    from the sources; ``use_cache=False`` neither reads nor writes it.
    """
    if use_cache:
        for directory in _cache_dirs():
            found = _read_fast_copy(directory / FAST_COPY)
            if found is not None:
                return found
    arrays, origin = _load_sources()
    if use_cache:

        def write(f):
            np.savez(
                f, source=np.array(origin.source), location=np.array(origin.location), **arrays
            )

        origin = dataclasses.replace(origin, fast_copy=_save(FAST_COPY, write))
    return arrays, origin


def keras_cache_dir() -> Path:
    """Where ``keras.datasets.fashion_mnist.load_data()`` keeps the four gzipped files."""
    home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(home).expanduser() / "datasets" / "fashion-mnist"


def _split(raw):
    X, y = raw[TRAIN_IMAGES], raw[TRAIN_LABELS]
    return (
        (X[VALID_SIZE:], y[VALID_SIZE:]),
        (X[:VALID_SIZE], y[:VALID_SIZE]),
        (raw[TEST_IMAGES], raw[TEST_LABELS]),
    )


def _scaled(pairs):
    return tuple(
        (np.divide(X, np.float32(255), dtype=np.float32), np.array(y, np.uint8)) for X, y in pairs
    )


def _source_dirs() -> list[tuple[str, Path | None]]:
    return [
        (f"${config.DATA_ENV}", config.env_data_dir()),
        ("the course's data/ folder", config.project_data_dir()),
        ("Debian package dataset-fashion-mnist", DEBIAN_DIR),
        ("Keras cache", keras_cache_dir()),
        ("user cache", config.user_cache_dir()),
    ]


def _cache_dirs() -> list[Path]:
    return list(dict.fromkeys([config.cache_dir(), config.user_cache_dir()]))


def _find_files(directory: Path) -> dict[str, Path]:
    found = {}
    for name in FILES:
        for path in (directory / name, directory / f"{name}.gz"):
            if path.is_file():
                found[name] = path
                break
    return found


def _load_sources() -> tuple[dict[str, np.ndarray], Origin]:
    searched, seen = [], set()
    for description, directory in _source_dirs():
        if directory is None:
            searched.append(f"{description}: not set")
            continue
        if directory in seen:
            continue
        seen.add(directory)
        files = _find_files(directory)
        if len(files) == len(FILES):
            arrays = {name: _read_file(name, path) for name, path in files.items()}
            _check_counts(arrays, {name: str(path) for name, path in files.items()})
            return arrays, Origin(description, str(directory))
        missing = [name for name in FILES if name not in files]
        status = (
            "no such folder"
            if not directory.is_dir()
            else "none of the files"
            if not files
            else "missing " + ", ".join(missing)
        )
        searched.append(f"{description}: {directory} ({status})")
    try:
        return _download_all()
    except _DownloadFailed as exc:
        raise DataNotFoundError(_not_found_message(searched, str(exc))) from None


def _not_found_message(searched: list[str], download_error: str) -> str:
    lines = "\n".join(f"  - {line}" for line in searched)
    names = ", ".join(f"{name}.gz" for name in FILES)
    folder = "the course's data/ folder"
    if config.project_data_dir() is not None:
        folder = f"{config.project_data_dir()} ({folder})"
    return (
        f"Fashion-MNIST was not found on this computer and could not be downloaded.\n"
        f"Folders searched:\n{lines}\nDownload failed: {download_error}\n"
        f"Any one of these fixes it:\n"
        f"  1. Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
        f"  2. Put the four files ({names}; gzipped or not) in {folder}, "
        f"or in a folder named by the environment variable {config.DATA_ENV}.\n"
        f"  3. Connect to the internet and run `make data` again."
    )


class _DownloadFailed(Exception):
    """No mirror could be reached (the message lists each URL and its error)."""


def _download_all() -> tuple[dict[str, np.ndarray], Origin]:
    arrays, urls = {}, {}
    for name in FILES:
        arrays[name], urls[name] = _download(name)
    _check_counts(arrays, urls)
    bases = dict.fromkeys(url.rsplit("/", 1)[0] + "/" for url in urls.values())
    return arrays, Origin("download", " and ".join(bases))


def _download(name: str) -> tuple[np.ndarray, str]:
    """Fetch one file from the first mirror that serves it intact, and save it as ``.gz``."""
    failures, damaged = [], None
    for base in MIRRORS:
        url = f"{base}{name}.gz"
        print(f"Downloading {url}", file=sys.stderr)
        try:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
                blob = response.read()
            array = _decode(name, blob, url, compressed=True)
        except (OSError, http.client.HTTPException) as exc:
            failures.append(f"{url}: {exc}")
            continue
        except FashionMNISTError as exc:
            damaged = damaged or exc
            continue
        _save(f"{name}.gz", blob)
        return array, url
    if damaged is not None:
        raise damaged
    raise _DownloadFailed("; ".join(failures))


def _read_file(name: str, path: Path) -> np.ndarray:
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise FashionMNISTError(f"Cannot read {path}: {exc}") from None
    return _decode(name, blob, str(path), compressed=path.suffix == ".gz")


def _remedy(where: str) -> str:
    if where.startswith(("http://", "https://")):
        return "The download was damaged: run `make data` again later."
    if Path(where).parent == DEBIAN_DIR:
        return "Reinstall it: sudo apt-get install --reinstall dataset-fashion-mnist"
    return "Delete it and run `make data` again to get a good copy."


def _decode(name: str, blob: bytes, where: str, compressed: bool) -> np.ndarray:
    """Gunzip (if ``compressed``), parse and verify one IDX file; ``where`` names it."""
    if compressed:
        try:
            blob = gzip.decompress(blob)
        except (OSError, EOFError, zlib.error) as exc:
            raise IdxFormatError(
                f"{where} is not a valid gzip file ({exc}). {_remedy(where)}"
            ) from None
    array = _parse_idx(blob, name, where)
    _verify(name, array, where)
    return array


def _parse_idx(blob: bytes, name: str, where: str) -> np.ndarray:
    """The uint8 array in an IDX file: 3-D for images (magic 0x803), 1-D for labels (0x801)."""
    ndim = 3 if "idx3" in name else 1
    kind = "images" if ndim == 3 else "labels"
    magic, header = 0x800 | ndim, 4 + 4 * ndim
    found = int.from_bytes(blob[:4], "big")
    if found != magic:
        problem = f"its magic number is 0x{found:08x}, expected 0x{magic:08x} for {kind}"
    elif len(blob) < header:
        problem = f"its {len(blob)} bytes are too few for an IDX header"
    else:
        dims = struct.unpack(f">{ndim}I", blob[4:header])
        size = header + math.prod(dims)
        if len(blob) != size:
            shape = "×".join(map(str, dims))
            problem = f"expected {size} bytes for {shape} {kind}, found {len(blob)}"
        elif ndim == 3 and dims[1:] != IMAGE_SHAPE:
            problem = f"its images are {dims[1]}×{dims[2]} pixels, not 28×28"
        else:
            return np.frombuffer(blob, np.uint8, offset=header).reshape(dims)
    raise IdxFormatError(f"{where} is not a valid IDX file of {kind}: {problem}. {_remedy(where)}")


def _idx_sha256(array: np.ndarray) -> str:
    """SHA-256 of the IDX file holding ``array``: its header (magic, dims), then its bytes."""
    if array.dtype != np.uint8:
        return "not uint8"
    header = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    digest = hashlib.sha256(header)
    digest.update(np.ascontiguousarray(array))
    return digest.hexdigest()


def _verify(name: str, array: np.ndarray, where: str) -> None:
    found, expected = _idx_sha256(array), SHA256[name]
    if found != expected:
        raise ChecksumError(
            f"{where} does not hold the expected {name}: the SHA-256 of its "
            f"IDX content is {found}, expected {expected}. {_remedy(where)}"
        )


def _check_counts(arrays: dict[str, np.ndarray], where: dict[str, str]) -> None:
    for images, labels in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        if len(arrays[images]) != len(arrays[labels]):
            raise IdxFormatError(
                f"{where[images]} holds {len(arrays[images])} images but "
                f"{where[labels]} holds {len(arrays[labels])} labels."
            )


def _read_fast_copy(path: Path) -> tuple[dict[str, np.ndarray], Origin] | None:
    """The arrays in a fast copy that passes verification, else None (it will be rebuilt)."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in FILES}
            source, location = str(npz["source"]), str(npz["location"])
        for name, array in arrays.items():
            _verify(name, array, str(path))
            array.flags.writeable = False  # like the arrays read from the original files
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, FashionMNISTError):
        return None
    return arrays, Origin(source, location, fast_copy=path, warm=True)


def _save(filename: str, content: bytes | Callable[[BinaryIO], object]) -> Path | None:
    """Write ``filename`` into the first writable cache folder; None if there is none."""
    for directory in _cache_dirs():
        try:
            atomic_write(directory / filename, content)
            return directory / filename
        except OSError:
            continue
    return None


def atomic_write(path: Path, content: bytes | Callable[[BinaryIO], object]) -> None:
    """Write ``path`` all or nothing: a temporary file in the same folder, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A process killed mid-write leaves its temporary file behind: clear those over an hour old.
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > 3600:
                stale.unlink()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            if callable(content):
                content(f)
            else:
                f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.data [--cold]``: load the data, say where it came from."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.data",
        description="Make Fashion-MNIST available (saving the fast copy) and say where it "
        "came from.",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="ignore the fast copy: time a load from the original files",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        raw, origin = load_raw(use_cache=not args.cold)
    except FashionMNISTError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    print(
        f"Fashion-MNIST: {len(raw[TRAIN_LABELS]):,} training + {len(raw[TEST_LABELS]):,} "
        f"test images, loaded in {seconds:.2f} s"
    )
    print(f"from {origin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
