"""A readable static copy of the course: every executed notebook as HTML, and an index page.

    python tools/build_html.py [output folder, default site/]

The notebooks are rendered as committed (with the outputs of a full run): no kernel is needed to
read them. A live explorer cannot move without a kernel; its last frame is shown as a picture.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]


def summary(notebook) -> tuple[str, str]:
    """The notebook's title and the first sentence of its motivation, as plain text."""
    first = next(cell for cell in notebook.cells if cell.cell_type == "markdown")
    paragraphs = [" ".join(p.split()) for p in first.source.split("\n\n") if p.strip()]
    title = paragraphs[0].lstrip("# ").strip()
    prose = next((p for p in paragraphs[1:] if not p.startswith(("[!", "#", "**", "-"))), "")
    prose = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", prose)  # links → their text
    prose = re.sub(r"[*_`$\\]", "", prose)
    sentence = re.split(r"(?<=[.!?])\s", prose, maxsplit=1)[0]
    return title, sentence


def without_live_widgets(notebook):
    """Widgets need a kernel: show each one's last frame (its image/png fallback) instead."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data and len(data) > 1:
                del data["application/vnd.jupyter.widget-view+json"]
    notebook.metadata.pop("widgets", None)
    return notebook


def unexecuted(notebook) -> int:
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.strip() and cell.execution_count is None
    )


def build(out: Path, notebooks=None) -> list[Path]:
    """Write ``out/index.html`` and one page per notebook (default: all); returns the pages."""
    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    rows = []
    written = []
    for path in notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        if unexecuted(notebook):
            raise SystemExit(f"{path.name} has cells that were never run: `make notebooks` first")
        body, _ = exporter.from_notebook_node(without_live_widgets(notebook))
        target = out / f"{path.stem}.html"
        target.write_text(body, encoding="utf-8")
        written.append(target)
        title, sentence = summary(notebook)
        rows.append(
            f'<li><a href="{target.name}">{html.escape(title)}</a>'
            f"<br><span>{html.escape(sentence)}</span></li>"
        )
    index = out / "index.html"
    index.write_text(
        INDEX.format(items="\n".join(rows)),
        encoding="utf-8",
    )
    return [index, *written]


INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Faster Optimizers</title>
<style>
body {{ font: 17px/1.5 system-ui, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
       color: #222; }}
li {{ margin: 0.8em 0; }} li span {{ color: #555; }} a {{ font-weight: 600; }}
</style>
</head>
<body>
<h1>Faster Optimizers</h1>
<p>Why Momentum, Nesterov, AdaGrad, RMSProp, Adam, Nadam and AdamW train neural networks faster
than plain gradient descent: a course in notebooks. This is the static copy, with the outputs of a
full run; to move the sliders, open the notebooks in JupyterLab, Colab or Binder.</p>
<ol start="0">
{items}
</ol>
</body>
</html>
"""


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "site"
    pages = build(folder)
    print(f"{len(pages)} pages in {folder}: open {pages[0]}")
