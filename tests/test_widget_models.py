"""Under Jupyter's default (inline) matplotlib backend, which Colab uses, the explorers are made
of core ipywidgets models only: Colab's frontend renders those, and not ipympl's canvas or any
other third-party widget (see widget_tree.py). The same check runs with Colab's ipywidgets 7 in
test_colab.py."""

from __future__ import annotations

import matplotlib
import pytest
from widget_tree import CORE, EXPLORERS, foreign, make, walk

INLINE = "module://matplotlib_inline.backend_inline"


@pytest.fixture
def inline_backend():
    pytest.importorskip("matplotlib_inline", reason="Jupyter's inline backend is not installed")
    before = matplotlib.get_backend()
    matplotlib.use(INLINE)
    try:
        yield
    finally:
        matplotlib.use(before)


@pytest.mark.parametrize(
    "kind, args, kwargs", EXPLORERS, ids=[f"{k}-{a[0]}" for k, a, _ in EXPLORERS]
)
def test_explorers_use_core_widgets_only(inline_backend, kind, args, kwargs):
    e = make(kind, args, kwargs)
    tree = walk(e)
    # The walk reaches the parts a reader sees: controls, sliders' layouts, the figure's image.
    assert e in tree and e.view in tree and e.readout in tree
    for control in e.controls.values():
        assert control in tree, control
    assert e.view._model_name == "ImageModel", "inline backend: the figure is an Image widget"
    assert foreign(e) == [], "\n".join(foreign(e))
    # Moves make no new kinds of widgets either.
    e.controls["learning_rate"].value = e.controls["learning_rate"].value / 2
    e.controls["surface"].value = "plateau"
    assert foreign(e) == [], "\n".join(foreign(e))
    assert {w._model_module for w in walk(e)} <= CORE
