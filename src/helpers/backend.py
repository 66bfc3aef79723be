"""Import Keras (TensorFlow backend) without TensorFlow's start-up chatter.

TensorFlow writes informational lines straight to the process's standard error while it loads
(about oneDNN and CPU instructions), before any setting can silence them, and Jupyter shows them
under the cell. ``keras()`` imports it with that stream muted; if the import fails, what was
written is shown with the error.

It also runs TensorFlow on one thread per operation and one operation at a time (unless
``TF_NUM_INTRAOP_THREADS`` or ``TF_NUM_INTEROP_THREADS`` say otherwise): the course's MLP trains
on batches of 32, whose operations are so small that handing them to other threads costs more
than it saves. On 2 cores an epoch of Adam takes about a quarter less time that way, with the
same numbers; TensorFlow reads these settings once, when it starts.

And it turns off XLA's CPU scheduler "optimized for concurrency" (TensorFlow 2.18 and later,
through ``XLA_FLAGS``, unless they set it already). That scheduler orders a compiled program's
operations so that independent ones can run at once on TensorFlow's pool of threads, which has
one thread here: two compiled programs side by side (a sweep's, ``helpers.batched``) then wait
for each other, and used 1.2 cores of 2 where they use 1.6 to 1.8 without it. On 2 cores the
nine optimizers of 08's race train an epoch in about 1.9 s instead of 2.6 to 3.4 s, and every
notebook in full mode from nothing took 15.6 min instead of 17.5, with the same numbers bit for
bit: the scheduler only orders the operations (``tests/test_backend.py`` checks the numbers).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
import tempfile


@contextlib.contextmanager
def _muted_stderr():
    """Send file descriptor 2 to a temporary file for the duration; yield a reader of it."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield lambda: (sink.seek(0), sink.read().decode(errors="replace"))[1]
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


XLA_SCHEDULER = "xla_cpu_enable_concurrency_optimized_scheduler"
XLA_SCHEDULER_SINCE = (2, 18)  # the first TensorFlow whose XLA knows it (XLA stops at a flag it
# does not know, so older ones are left as they are)


def _xla_flags(version: str) -> None:
    """Add ``--{XLA_SCHEDULER}=false`` to ``XLA_FLAGS``, for TensorFlow ``version``, unless they
    name it already. XLA reads its flags when it first compiles, so after TensorFlow's import
    is still in time."""
    major, minor = (int(part) for part in re.findall(r"\d+", version)[:2])
    flags = os.environ.get("XLA_FLAGS", "")
    if (major, minor) >= XLA_SCHEDULER_SINCE and XLA_SCHEDULER not in flags:
        os.environ["XLA_FLAGS"] = f"{flags} --{XLA_SCHEDULER}=false".strip()


def keras():
    """The ``keras`` module, imported quietly (a no-op when it is already imported)."""
    if "keras" in sys.modules:
        if "tensorflow" in sys.modules:
            _xla_flags(sys.modules["tensorflow"].__version__)
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    for threads in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ.setdefault(threads, "1")
    with _muted_stderr() as written:
        try:
            tf = importlib.import_module("tensorflow")
            module = importlib.import_module("keras")
            # Each course model is new, so tf.function "retracing" notices are expected noise.
            tf.get_logger().setLevel("ERROR")
            _xla_flags(tf.__version__)
        except ImportError as error:
            raise ImportError(
                "This part of the course needs TensorFlow with Keras 3. Install it with "
                "`pip install tensorflow` (or `tensorflow-cpu`), or set up the course with "
                f"`make lab`.\nThe import said: {error}\n{written()}"
            ) from error
    return module
