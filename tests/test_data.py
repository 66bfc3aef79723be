"""Tests of helpers.data on small IDX files made here; no test touches the network.

Every test but the last runs on fake Fashion-MNIST files written to a temporary folder, with
the checksum table, the source folders and ``urlopen`` replaced. The last test uses the real
data when this computer has it, and is skipped otherwise.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import struct
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from helpers import config, data

FILES = data.FILES


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX file of a uint8 array: magic 0x00000800 + ndim, big-endian dims, bytes."""
    return (
        bytes([0, 0, 8, array.ndim])
        + struct.pack(f">{array.ndim}I", *array.shape)
        + (array.tobytes())
    )


class Fake:
    """A small fake Fashion-MNIST: four arrays, their IDX bytes and SHA-256 sums."""

    def __init__(self, n_train=30, n_test=10, seed=0):
        rng = np.random.default_rng(seed)
        self.arrays = {
            data.TRAIN_IMAGES: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
            data.TRAIN_LABELS: rng.integers(0, 10, n_train, dtype=np.uint8),
            data.TEST_IMAGES: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
            data.TEST_LABELS: rng.integers(0, 10, n_test, dtype=np.uint8),
        }
        self.idx = {name: idx_bytes(array) for name, array in self.arrays.items()}
        self.sha256 = {name: hashlib.sha256(b).hexdigest() for name, b in self.idx.items()}

    def gz(self, name: str) -> bytes:
        return gzip.compress(self.idx[name], compresslevel=1, mtime=0)

    def write(self, directory: Path, gz=True, names=FILES) -> None:
        """Write the files into ``directory``: gzipped (True), raw (False) or alternating."""
        directory.mkdir(parents=True, exist_ok=True)
        for i, name in enumerate(names):
            zipped = gz if gz != "mixed" else i % 2 == 0
            path = directory / (f"{name}.gz" if zipped else name)
            path.write_bytes(self.gz(name) if zipped else self.idx[name])

    def assert_equal(self, raw: dict) -> None:
        assert set(raw) == set(FILES)
        for name in FILES:
            assert raw[name].dtype == np.uint8 and not raw[name].flags.writeable
            np.testing.assert_array_equal(raw[name], self.arrays[name])


@pytest.fixture(autouse=True)
def network(monkeypatch):
    """Replace urlopen: URLs in ``served`` get those bytes, every other URL fails."""
    net = SimpleNamespace(served={}, requests=[])

    def urlopen(url, timeout=None):
        net.requests.append(url)
        if url in net.served:
            return io.BytesIO(net.served[url])
        raise urllib.error.URLError("no network in tests")

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return net


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """Point every source folder and cache folder into ``tmp_path`` (all empty at first)."""
    d = SimpleNamespace(
        env=tmp_path / "env",
        project=tmp_path / "project",
        debian=tmp_path / "debian",
        keras=tmp_path / "keras",
        user=tmp_path / "user-cache",
    )
    monkeypatch.setenv(config.DATA_ENV, str(d.env))
    monkeypatch.delenv(config.QUICK_ENV, raising=False)
    monkeypatch.setattr(config, "project_data_dir", lambda: d.project)
    monkeypatch.setattr(config, "user_cache_dir", lambda: d.user)
    monkeypatch.setattr(data, "DEBIAN_DIR", d.debian)
    monkeypatch.setattr(data, "keras_cache_dir", lambda: d.keras)
    return d


@pytest.fixture
def fake(monkeypatch):
    """A small fake dataset whose checksums replace the real ones."""
    f = Fake()
    monkeypatch.setattr(data, "SHA256", f.sha256)
    return f


def leftovers(directory: Path) -> list[str]:
    """Temporary files left in ``directory`` by an interrupted write."""
    return sorted(p.name for p in directory.glob(".*.tmp")) if directory.exists() else []


# Sources: order, formats, download -------------------------------------------------------


def test_sources_are_searched_in_order(dirs, fake):
    order = [dirs.env, dirs.project, dirs.debian, dirs.keras, dirs.user]
    for directory in order:
        fake.write(directory, gz=directory != dirs.project)
    for directory in order:
        raw, origin = data.load_raw(use_cache=False)
        fake.assert_equal(raw)
        assert origin.location == str(directory)
        shutil.rmtree(directory)
    with pytest.raises(data.DataNotFoundError):
        data.load_raw(use_cache=False)


@pytest.mark.parametrize("gz", [True, False, "mixed"])
def test_gzipped_and_uncompressed_files(dirs, fake, gz):
    fake.write(dirs.debian, gz=gz)
    raw, origin = data.load_raw(use_cache=False)
    fake.assert_equal(raw)
    assert origin.source == "Debian package dataset-fashion-mnist"


def test_incomplete_folder_is_skipped_and_reported(dirs, fake):
    fake.write(dirs.env, names=FILES[:3])
    fake.write(dirs.keras)
    assert data.load_raw(use_cache=False)[1].location == str(dirs.keras)
    shutil.rmtree(dirs.keras)
    with pytest.raises(data.DataNotFoundError) as err:
        data.load_raw(use_cache=False)
    assert f"{dirs.env} (missing {data.TEST_LABELS})" in str(err.value)


def test_download_is_verified_then_saved_atomically(dirs, fake, network):
    network.served = {f"{data.MIRRORS[0]}{name}.gz": fake.gz(name) for name in FILES}
    raw, origin = data.load_raw()
    fake.assert_equal(raw)
    assert origin.source == "download" and origin.location == data.MIRRORS[0]
    for name in FILES:  # saved as served, into the cache folder, nothing half-written
        assert (dirs.env / f"{name}.gz").read_bytes() == fake.gz(name)
    assert leftovers(dirs.env) == []
    network.served, network.requests = {}, []
    raw, origin = data.load_raw(use_cache=False)  # the saved files are found next time
    fake.assert_equal(raw)
    assert origin.location == str(dirs.env) and network.requests == []


def test_download_falls_back_to_the_original_host(dirs, fake, network):
    network.served = {f"{data.MIRRORS[1]}{name}.gz": fake.gz(name) for name in FILES}
    raw, origin = data.load_raw(use_cache=False)
    fake.assert_equal(raw)
    assert origin.location == data.MIRRORS[1]
    assert network.requests[:2] == [f"{m}{FILES[0]}.gz" for m in data.MIRRORS]


def test_damaged_download_raises_and_saves_nothing(dirs, fake, network):
    other = Fake(seed=1)
    network.served = {f"{m}{name}.gz": other.gz(name) for m in data.MIRRORS for name in FILES}
    with pytest.raises(data.ChecksumError) as err:
        data.load_raw()
    message = str(err.value)
    assert f"{data.MIRRORS[0]}{FILES[0]}.gz" in message
    assert fake.sha256[FILES[0]] in message and other.sha256[FILES[0]] in message
    assert not dirs.env.exists() or list(dirs.env.iterdir()) == []


def test_no_source_and_no_network(dirs):
    with pytest.raises(data.DataNotFoundError) as err:
        data.load_raw()
    message = str(err.value)
    for text in (
        "sudo apt-get install dataset-fashion-mnist",
        config.DATA_ENV,
        "make data",
        f"{dirs.project} (the course's data/ folder)",
        str(dirs.debian),
        str(dirs.keras),
        "no network in tests",
        f"{data.MIRRORS[0]}{FILES[0]}.gz",
        f"{FILES[3]}.gz",
    ):
        assert text in message, text


# Bad files --------------------------------------------------------------------------------


def test_checksum_mismatch_names_the_file_and_both_hashes(dirs, fake, monkeypatch):
    fake.write(dirs.debian)
    wrong = "0" * 64
    monkeypatch.setitem(data.SHA256, data.TEST_IMAGES, wrong)
    with pytest.raises(data.ChecksumError) as err:
        data.load_raw(use_cache=False)
    message = str(err.value)
    assert str(dirs.debian / f"{data.TEST_IMAGES}.gz") in message
    assert wrong in message and fake.sha256[data.TEST_IMAGES] in message
    assert "apt-get install --reinstall" in message


def test_a_bad_file_in_an_earlier_source_is_not_skipped(dirs, fake):
    Fake(seed=1).write(dirs.env, gz=False)
    fake.write(dirs.debian)
    with pytest.raises(data.ChecksumError) as err:
        data.load_raw(use_cache=False)
    assert str(dirs.env / FILES[0]) in str(err.value)


def _truncate(b):
    return b[:1234]


def _trailing(b):
    return b + b"\0"


def _wrong_magic(b):
    return b"\x00\x00\x08\x01" + b[4:]


def _not_idx(b):
    return b"<html>Not found</html>"


def _small_images(b):
    return idx_bytes(np.zeros((3, 28, 27), np.uint8))


@pytest.mark.parametrize(
    "damage, expected",
    [
        (_truncate, "expected 23536 bytes for 30×28×28 images, found 1234"),
        (_trailing, "expected 23536 bytes for 30×28×28 images, found 23537"),
        (_wrong_magic, "magic number is 0x00000801, expected 0x00000803"),
        (_not_idx, "magic number is 0x3c68746d"),
        (_small_images, "27 pixels"),
    ],
)
def test_malformed_idx_file(dirs, fake, damage, expected):
    fake.write(dirs.project, gz=False)
    path = dirs.project / data.TRAIN_IMAGES
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(data.IdxFormatError) as err:
        data.load_raw(use_cache=False)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_corrupt_gzip_file(dirs, fake):
    fake.write(dirs.project)
    path = dirs.project / f"{data.TRAIN_LABELS}.gz"
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(data.IdxFormatError) as err:
        data.load_raw(use_cache=False)
    assert f"{path} is not a valid gzip file" in str(err.value)


def test_image_and_label_counts_must_agree(dirs, monkeypatch):
    fake = Fake()
    fake.idx[data.TEST_LABELS] = idx_bytes(fake.arrays[data.TEST_LABELS][:-1])
    monkeypatch.setattr(
        data, "SHA256", {n: hashlib.sha256(b).hexdigest() for n, b in fake.idx.items()}
    )
    fake.write(dirs.env, gz=False)
    with pytest.raises(data.IdxFormatError, match="holds 10 images but .* holds 9 labels"):
        data.load_raw(use_cache=False)


# Fast copy and atomic writes --------------------------------------------------------------


def test_fast_copy_is_made_then_used_without_the_sources(dirs, fake, network):
    fake.write(dirs.debian)
    raw, origin = data.load_raw()
    npz = dirs.env / data.FAST_COPY
    assert origin.fast_copy == npz and not origin.warm
    with np.load(npz, allow_pickle=False) as saved:  # plain arrays, no pickle
        assert set(FILES) <= set(saved.files)
    shutil.rmtree(dirs.debian)
    raw, origin = data.load_raw()
    fake.assert_equal(raw)
    assert origin.warm and origin.fast_copy == npz and origin.location == str(dirs.debian)
    assert network.requests == []
    with pytest.raises(data.DataNotFoundError):  # the sources really are gone
        data.load_raw(use_cache=False)


def _flip_a_pixel(path):
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name].copy() for name in npz.files}
    arrays[data.TRAIN_IMAGES][0, 0, 0] ^= 1
    np.savez(path, **arrays)


def _garbage(path):
    path.write_bytes(b"garbage")


def _cut(path):
    path.write_bytes(path.read_bytes()[:5000])


@pytest.mark.parametrize("corrupt", [_flip_a_pixel, _garbage, _cut])
def test_corrupt_fast_copy_is_ignored_and_rebuilt(dirs, fake, corrupt):
    fake.write(dirs.debian)
    npz = data.load_raw()[1].fast_copy
    corrupt(npz)
    raw, origin = data.load_raw()
    fake.assert_equal(raw)
    assert not origin.warm and origin.fast_copy == npz
    assert data.load_raw()[1].warm


def test_unwritable_cache_folder_falls_back_to_the_user_cache(dirs, fake, monkeypatch):
    (dirs.env.parent / "a-file").write_text("not a folder")
    monkeypatch.setenv(config.DATA_ENV, str(dirs.env.parent / "a-file" / "data"))
    fake.write(dirs.debian)
    assert data.load_raw()[1].fast_copy == dirs.user / data.FAST_COPY
    assert data.load_raw()[1].warm
    monkeypatch.setattr(config, "user_cache_dir", lambda: dirs.env.parent / "a-file" / "c")
    raw, origin = data.load_raw()  # no writable folder at all: no fast copy, no error
    fake.assert_equal(raw)
    assert origin.fast_copy is None and not origin.warm


def test_interrupted_write_leaves_the_previous_file(tmp_path):
    path = tmp_path / "file.bin"

    def crash(f):
        f.write(b"half of it")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        data.atomic_write(path, crash)
    assert list(tmp_path.iterdir()) == []
    data.atomic_write(path, b"old")
    with pytest.raises(KeyboardInterrupt):
        data.atomic_write(path, crash)
    assert path.read_bytes() == b"old" and list(tmp_path.iterdir()) == [path]


def test_a_killed_writers_old_temporary_file_is_cleared(tmp_path):
    """A process killed mid-write (SIGKILL) cannot clean up: the next write clears what is
    over an hour old, and leaves alone what may belong to a write in progress."""
    path = tmp_path / "fashion-mnist.npz"
    old, recent = (
        tmp_path / ".fashion-mnist.npz.killed.tmp",
        tmp_path / ".fashion-mnist.npz.busy.tmp",
    )
    old.write_bytes(b"half of it")
    recent.write_bytes(b"being written")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    data.atomic_write(path, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, recent.name])


def test_failed_fast_copy_write_leaves_nothing(dirs, fake, monkeypatch):
    def savez(f, **arrays):
        f.write(b"PK partial")
        raise OSError("No space left on device")

    monkeypatch.setattr(data.np, "savez", savez)
    fake.write(dirs.debian)
    raw, origin = data.load_raw()
    fake.assert_equal(raw)
    assert origin.fast_copy is None
    assert list(dirs.env.iterdir()) == [] and list(dirs.user.iterdir()) == []


# Splits, subsets and quick mode -------------------------------------------------------


@pytest.fixture
def big(dirs, monkeypatch):
    """A fake dataset large enough for the 5,000-image validation split and quick mode."""
    f = Fake(n_train=9000, n_test=2000, seed=2)
    monkeypatch.setattr(data, "SHA256", f.sha256)
    f.write(dirs.project, gz=False)
    return f


def test_split_sizes_dtypes_and_ranges(big):
    (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = data.load_fashion_mnist()
    assert X_train.shape == (4000, 28, 28) and X_valid.shape == (5000, 28, 28)
    assert X_test.shape == (2000, 28, 28)
    for X, y in ((X_train, y_train), (X_valid, y_valid), (X_test, y_test)):
        assert X.dtype == np.float32 and y.dtype == np.uint8 and len(X) == len(y)
        assert X.min() == 0.0 and X.max() == 1.0
    images, labels = big.arrays[data.TRAIN_IMAGES], big.arrays[data.TRAIN_LABELS]
    np.testing.assert_array_equal(X_valid, images[:5000] / np.float32(255))
    np.testing.assert_array_equal(X_train, images[5000:] / np.float32(255))
    np.testing.assert_array_equal(y_valid, labels[:5000])
    np.testing.assert_array_equal(y_train, labels[5000:])
    np.testing.assert_array_equal(y_test, big.arrays[data.TEST_LABELS])


def first_per_class(y, per_class):
    """The expected subset indices, computed the slow obvious way."""
    counts, chosen = [0] * 10, []
    for i, label in enumerate(y):
        if counts[label] < per_class:
            counts[label] += 1
            chosen.append(i)
    return chosen


def test_balanced_subset_is_fixed_balanced_and_sorted():
    y = np.random.default_rng(3).integers(0, 10, 300)
    X = np.arange(300) * 10
    Xs, ys = data.balanced_subset(X, y, 7)
    assert list(Xs // 10) == first_per_class(y, 7)  # the first of each class, in order
    assert np.bincount(ys, minlength=10).tolist() == [7] * 10
    Xs2, ys2 = data.balanced_subset(X, y, 7)
    np.testing.assert_array_equal(Xs, Xs2)
    np.testing.assert_array_equal(ys, ys2)
    y[y == 4] = 5
    with pytest.raises(ValueError, match="class 4 has only 0 examples, 7 are needed"):
        data.balanced_subset(X, y, 7)


def test_course_data_follows_quick_mode(big, monkeypatch):
    monkeypatch.setenv(config.QUICK_ENV, "1")
    (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = data.course_data()
    assert (len(X_train), len(X_valid), len(X_test)) == (2000, 1000, 1000)
    assert X_train.dtype == np.float32 and y_train.dtype == np.uint8
    labels = big.arrays[data.TRAIN_LABELS]
    expected = [5000 + i for i in first_per_class(labels[5000:], 200)]
    np.testing.assert_array_equal(
        X_train, big.arrays[data.TRAIN_IMAGES][expected] / np.float32(255)
    )
    np.testing.assert_array_equal(y_valid, labels[first_per_class(labels[:5000], 100)])
    assert np.bincount(y_test, minlength=10).tolist() == [100] * 10
    assert len(data.course_data(quick=False)[0][0]) == 4000
    monkeypatch.setenv(config.QUICK_ENV, "0")
    assert len(data.course_data()[0][0]) == 4000


# Command line ---------------------------------------------------------------------------


def test_main_reports_counts_and_source(dirs, fake, capsys):
    fake.write(dirs.debian)
    assert data.main([]) == 0
    out = capsys.readouterr().out
    assert "30 training + 10 test images" in out and str(dirs.debian) in out
    assert data.main([]) == 0
    assert "fast copy" in capsys.readouterr().out
    assert data.main(["--cold"]) == 0
    assert "from Debian package dataset-fashion-mnist" in capsys.readouterr().out


def test_main_without_data_exits_with_the_message(dirs, capsys):
    assert data.main([]) == 1
    err = capsys.readouterr().err
    assert "apt-get install dataset-fashion-mnist" in err and "Traceback" not in err


# The real data ----------------------------------------------------------------------------


def test_real_fashion_mnist(tmp_path, monkeypatch):
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path))  # the fast copy goes here
    try:
        data.load_raw(use_cache=False)  # the original files pass their checksums
    except data.DataNotFoundError:
        pytest.skip(
            "Fashion-MNIST is not installed (no Debian package dataset-fashion-mnist, "
            "no files in data/ or the Keras cache); run `make data` to fetch it"
        )
    data.load_raw()  # makes a fast copy unless there is one
    assert data.load_raw()[1].warm  # the fast copy passes the same checksums
    (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = data.load_fashion_mnist()
    assert (len(X_train), len(X_valid), len(X_test)) == (55_000, 5_000, 10_000)
    for X, y in ((X_train, y_train), (X_valid, y_valid), (X_test, y_test)):
        assert X.shape[1:] == (28, 28) and X.dtype == np.float32 and len(y) == len(X)
        assert 0.0 <= X.min() and X.max() <= 1.0
        assert y.dtype == np.uint8 and set(np.unique(y)) == set(range(10))
    assert len(data.CLASS_NAMES) == 10
    assert data.CLASS_NAMES[0] == "T-shirt/top" and data.CLASS_NAMES[-1] == "Ankle boot"
