"""The live explorers: move η, β, β1, β2, ε and watch the optimizer's path move with them
(``explorer``), or move a schedule's parameters and watch η(t) and its run (``schedule_explorer``).

    >>> from helpers.widgets import explorer
    >>> explorer("momentum", surface="rosenbrock", compare=("gd",), learning_rate=0.001)

One call returns one widget (a box) holding the controls and the figure. ``.controls`` maps the
Keras hyperparameter names ("learning_rate", "momentum", "rho", "beta_1", "beta_2", "epsilon",
"weight_decay", as the optimizer has them) and "steps", "surface", "start" and "compare" to their
widgets; ``.figure`` is the matplotlib Figure. Setting a control's ``.value`` in code updates the
figure at once, as moving it does.

How it stays fast: the figure is made once. Contours, axes and legend are drawn once into a
background bitmap; a move only reruns the optimizer (a few milliseconds of NumPy), moves the
lines with ``set_data`` and draws those few artists over the background (blitting). With
Jupyter's default inline backend the frame is sent as a PNG to an ``ipywidgets.Image``; with
ipympl (``%matplotlib widget``) the figure's own canvas is used (made without pyplot, so that
re-running a cell leaves no figure behind). Axes limits snap to whole decades and round numbers
of steps and only grow while a slider moves, so that they (and with them the background)
rarely change; each surface's contours and backgrounds are kept for coming back to it, and
reset gives back the first picture.

Replay: the play button and the step slider under the controls (``.replay.play``,
``.replay.slider``) walk the runs from step 0 to the end, the compared ones in lockstep; at the
current point, arrows show −η∇J(θₜ) (plain gradient descent's step from there), the momentum βm
or Adam's first moment −η m̂, and the step taken, θₜ₊₁ − θₜ, and two bars beside the state panel
show its quantity for θ1 and θ2 at that step. The runs are computed once per change of a
control; a frame only indexes into them and blits, as a move does. At the slider's end the
figure shows the whole runs.

Bad values (η ≤ 0, β outside [0, 1), ε ≤ 0, steps ≤ 0, a start far out), typed, set in code
or given when the explorer is made, show a message (its text is ``.error``) and keep the last
good plot; so does anything else that goes wrong in an update. A diverging run is drawn and
labelled, never raised.

The package's modules, one job each: ``controls`` (the control widgets, and which
hyperparameters each optimizer shows), ``live_figure`` (drawing once, then blitting),
``path_explorer`` (``Explorer``, ``explorer``), ``replay`` (its ``Replay``), ``formula_box``
(``FormulaBox``: the explorer's box where a formula in x and y, typed, becomes a surface of the
menu; a bad formula gives its message and the surface stays), ``rate_explorer``
(``ScheduleExplorer``, ``schedule_explorer``) and ``clicks`` (a click sets the start, under
ipympl; a stability map linked to an explorer: ``linked_map``, ``explorer_with_map``).
"""

from ..registry import family
from .clicks import LinkedMap, MapLink, clickable, explorer_with_map, linked_map
from .controls import (
    CONTROLLED,
    SLIDERS,
    START_LEARNING_RATE,
    Checklist,
    IntControl,
    ParameterControl,
    PointControl,
    suggested_learning_rate,
)
from .formula_box import FormulaBox
from .live_figure import LIMIT_SLACK, LiveFigure
from .path_explorer import (
    MAX_START,
    MAX_STEPS,
    BadValue,
    Explorer,
    describe,
    explorer,
)
from .rate_explorer import SCHEDULE_CONTROLS, ScheduleExplorer, schedule_explorer
from .replay import Replay

__all__ = [
    "CONTROLLED",
    "LIMIT_SLACK",
    "MAX_START",
    "MAX_STEPS",
    "SCHEDULE_CONTROLS",
    "SLIDERS",
    "START_LEARNING_RATE",
    "BadValue",
    "Checklist",
    "Explorer",
    "FormulaBox",
    "IntControl",
    "LinkedMap",
    "LiveFigure",
    "MapLink",
    "ParameterControl",
    "PointControl",
    "Replay",
    "ScheduleExplorer",
    "clickable",
    "describe",
    "explorer",
    "explorer_with_map",
    "family",
    "linked_map",
    "schedule_explorer",
    "suggested_learning_rate",
]
