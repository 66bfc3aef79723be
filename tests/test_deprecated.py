"""Old public names keep working: each warns with a DeprecationWarning that names what to use
instead, and gives what it gave before."""

import pytest

from helpers import experiments, optimizers, plotting, registry


def test_plotting_display_and_save_fig(tmp_path):
    import matplotlib.pyplot as plt

    with pytest.warns(DeprecationWarning, match="registry.display_name"):
        display = plotting.DISPLAY
    assert display(optimizers.get("nesterov")) == "Nesterov"
    with pytest.warns(DeprecationWarning, match="savefig"):
        save_fig = plotting.save_fig
    fig, _ = plt.subplots()
    path = save_fig(fig, "old", folder=tmp_path)
    plt.close(fig)
    assert path == tmp_path / "old.png" and path.read_bytes()[:4] == b"\x89PNG"


def test_optimizers_hyperparameter_names():
    with pytest.warns(DeprecationWarning, match="hyperparameter_names is deprecated"):
        names = optimizers.hyperparameter_names
    assert names("adam") == ["learning_rate", "beta_1", "beta_2", "epsilon", "weight_decay"]
    assert names("adamw") == ["learning_rate", "weight_decay", "beta_1", "beta_2", "epsilon"]
    assert names("adamw") == list(registry.sliders("adamw"))


def test_experiments_display_name():
    with pytest.warns(DeprecationWarning, match="experiments.display_name is deprecated"):
        display_name = experiments.display_name
    assert display_name(optimizers.get("gd")) == "Gradient descent"


def test_unknown_names_still_raise():
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        plotting.nothing  # noqa: B018
    with pytest.raises(AttributeError):
        optimizers.nothing  # noqa: B018
