"""benchmarks/alone.py: verdicts of runs trained together set beside those of runs alone."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("alone", ROOT / "benchmarks" / "alone.py")
alone = importlib.util.module_from_spec(spec)
spec.loader.exec_module(alone)


def claim(numbers, verdict="holds", experiment="The book's MLP on Fashion-MNIST"):
    return {"notebook": "01_momentum", "claim": "Momentum is faster.", "verdict": verdict,
            "numbers": numbers, "experiment": experiment}  # fmt: skip


def test_numbers_are_read_as_printed():
    text = "9.0 (8–10) epochs, 1,234 steps, −0.05, 84%, 3.2e-05; seed 42"
    assert alone.numbers(text) == ["9.0", "8", "10", "1,234", "−0.05", "84%", "3.2e-05", "42"]


def test_changed_verdicts_and_numbers_are_counted():
    rows, counts = alone.compare(
        [claim("2.0 (2–3) epochs"), {**claim("1 of 6", experiment="6 surfaces"), "claim": "2D"}],
        [claim("2.0 (2–4) epochs", verdict="holds partly"), {**claim("1 of 6"), "claim": "2D"}],
    )
    assert counts == {"claims": 1, "same verdict": 0, "numbers": 3, "same numbers": 2}
    assert len(rows) == 1 and "3 → 4" in rows[0] and "⚠" in rows[0]
