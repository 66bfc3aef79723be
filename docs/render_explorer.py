"""Render docs/explorer.png, the explorer as the README shows it (Agg, no browser needed).

    python docs/render_explorer.py
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from helpers import plotting  # noqa: E402
from helpers.widgets import explorer  # noqa: E402

plotting.use_style()
e = explorer("momentum", surface="rosenbrock", compare=("gd", "nesterov", "adam"), learning_rate=0.002)
out = Path(__file__).with_name("explorer.png")
e.savefig(out)
print(e.summary())
print(f"wrote {out.name}")
