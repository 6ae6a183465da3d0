"""The plotting helpers draw what they are given, labelled in the notebook's language."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib import colors  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helper import i18n  # noqa: E402
from helper.classify import view_classify  # noqa: E402
from helper.confusion import confusion_matrix, plot_confusion_matrix  # noqa: E402
from helper.curves import plot_history  # noqa: E402
from helper.images import show_batch  # noqa: E402


@pytest.fixture(autouse=True)
def _clean():
    yield
    plt.close("all")
    i18n.set_language("en")


@pytest.fixture(params=["en", "zh"])
def language(request):
    i18n.set_language(request.param)
    return request.param


def texts(labels):
    return [label.get_text() for label in labels]


# view_classify ---------------------------------------------------------------------------------

def test_view_classify_draws_the_image_and_one_bar_per_probability(language):
    image = torch.rand(1, 28, 28)
    logits = torch.randn(1, 10, requires_grad=True)
    probabilities = torch.softmax(logits, dim=1)  # a batch of one, still attached to the graph
    fig = view_classify(image, probabilities, classes="fashion")

    assert isinstance(fig, Figure)
    ax_image, ax_bars = fig.axes
    np.testing.assert_allclose(ax_image.images[0].get_array(), image[0].numpy())
    assert not ax_image.axison
    widths = [bar.get_width() for bar in ax_bars.patches]
    np.testing.assert_allclose(widths, probabilities.detach()[0].numpy(), rtol=1e-6)
    assert texts(ax_bars.get_yticklabels()) == i18n.class_names("fashion", language)
    assert ax_bars.get_xlabel() == i18n.message("probability", language)
    assert ax_bars.get_xlim() == pytest.approx((0, 1.1))
    assert ax_bars.yaxis_inverted()  # class 0 on top
    assert ax_bars.patches[0].get_y() < ax_bars.patches[-1].get_y()


@pytest.mark.parametrize("image", [
    np.arange(784, dtype=np.float32).reshape(28, 28),
    np.arange(784, dtype=np.float32),
    np.arange(784, dtype=np.float32).reshape(1, 28, 28),
])
def test_view_classify_accepts_mnist_shapes(image):
    fig = view_classify(image, [0.1] * 10)
    shown = fig.axes[0].images[0].get_array()
    np.testing.assert_array_equal(shown, np.arange(784).reshape(28, 28))
    assert texts(fig.axes[1].get_yticklabels()) == [str(d) for d in range(10)]


def test_view_classify_colour_image_and_explicit_classes():
    image = torch.rand(3, 8, 8)
    fig = view_classify(image, torch.tensor([0.2, 0.7, 0.1]), classes=["cat", "dog", "bird"])
    np.testing.assert_allclose(fig.axes[0].images[0].get_array(), image.permute(1, 2, 0).numpy())
    assert texts(fig.axes[1].get_yticklabels()) == ["cat", "dog", "bird"]


@pytest.mark.parametrize("probabilities, match", [
    (torch.full((9,), 0.1), "9 probabilities but 10 classes"),
    (torch.full((2, 10), 0.1), "shape"),
    (torch.randn(10) * 5, "softmax"),
])
def test_view_classify_rejects_bad_probabilities(probabilities, match):
    with pytest.raises(ValueError, match=match):
        view_classify(torch.rand(28, 28), probabilities)


# show_batch ------------------------------------------------------------------------------------

def test_show_batch_titles_with_class_names_and_hides_unused_cells(language):
    images = torch.rand(10, 1, 28, 28)
    labels = torch.arange(10)
    fig = show_batch(images, labels, classes="fashion", ncols=4)

    assert len(fig.axes) == 10  # 3 rows x 4 columns, the two empty cells removed
    names = i18n.class_names("fashion", language)
    assert [ax.get_title() for ax in fig.axes] == names
    assert all(not ax.axison for ax in fig.axes)
    np.testing.assert_allclose(fig.axes[3].images[0].get_array(), images[3, 0].numpy())


def test_show_batch_colours_predictions_green_when_right_red_when_wrong(language):
    labels = torch.tensor([3, 1, 4, 1])
    predictions = torch.tensor([3, 7, 4, 2])
    fig = show_batch(torch.rand(4, 28, 28), labels, predictions=predictions)

    assert [ax.get_title() for ax in fig.axes] == ["3 (3)", "7 (1)", "4 (4)", "2 (1)"]
    right = [colors.same_color(ax.title.get_color(), "green") for ax in fig.axes]
    wrong = [colors.same_color(ax.title.get_color(), "red") for ax in fig.axes]
    assert right == [True, False, True, False]
    assert wrong == [False, True, False, True]


def test_show_batch_takes_scores_as_predictions_and_caps_the_count():
    scores = torch.zeros(40, 10, requires_grad=True) + torch.eye(10).repeat(4, 1)
    fig = show_batch(torch.rand(40, 1, 5, 5), torch.arange(40) % 10, predictions=scores, max_images=12)
    assert len(fig.axes) == 12
    assert all(colors.same_color(ax.title.get_color(), "green") for ax in fig.axes)


def test_show_batch_colour_images_and_fashion_names_in_chinese():
    i18n.set_language("zh")
    fig = show_batch(torch.rand(2, 3, 6, 6), [0, 9], classes="fashion")
    assert fig.axes[0].images[0].get_array().shape == (6, 6, 3)
    assert [ax.get_title() for ax in fig.axes] == ["T恤/上衣", "短靴"]


def test_show_batch_rejects_mismatched_labels():
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        show_batch(torch.rand(3, 28, 28), [1, 2])


# plot_history ----------------------------------------------------------------------------------

def test_plot_history_draws_loss_and_accuracy_per_epoch(language):
    history = {"train_loss": [1.0, 0.6, 0.4], "test_loss": [1.1, 0.8, 0.7],
               "train_acc": [0.5, 0.7, 0.8], "test_acc": [0.45, 0.6, 0.65]}
    fig = plot_history(history)

    ax_loss, ax_acc = fig.axes
    for ax, (train, test), ylabel in ((ax_loss, ("train_loss", "test_loss"), "loss"),
                                      (ax_acc, ("train_acc", "test_acc"), "accuracy")):
        assert [list(line.get_xdata()) for line in ax.lines] == [[1, 2, 3], [1, 2, 3]]
        np.testing.assert_allclose(ax.lines[0].get_ydata(), history[train])
        np.testing.assert_allclose(ax.lines[1].get_ydata(), history[test])
        labels = [i18n.message("train", language), i18n.message("test", language)]
        assert [line.get_label() for line in ax.lines] == labels
        assert texts(ax.get_legend().get_texts()) == labels
        assert ax.get_xlabel() == i18n.message("epoch", language)
        assert ax.get_ylabel() == i18n.message(ylabel, language)
        assert all(float(tick).is_integer() for tick in ax.get_xticks())


def test_plot_history_draws_the_validation_curves_between_train_and_test(language):
    history = {"train_loss": [1.0, 0.6], "val_loss": [1.05, 0.7], "test_loss": [1.1, 0.8],
               "val_acc": [0.5, 0.6]}
    ax_loss, ax_acc = plot_history(history).axes
    assert [line.get_label() for line in ax_loss.lines] == [i18n.message(k, language) for k in ("train", "val", "test")]
    np.testing.assert_allclose(ax_loss.lines[1].get_ydata(), history["val_loss"])
    assert [line.get_label() for line in ax_acc.lines] == [i18n.message("val", language)]
    np.testing.assert_allclose(ax_acc.lines[0].get_ydata(), history["val_acc"])


def test_plot_history_with_only_losses_has_one_axis_and_accepts_tensors():
    losses = [torch.tensor(2.0, requires_grad=True) * 0.5, torch.tensor(0.5)]
    fig = plot_history({"train_loss": losses})
    (ax,) = fig.axes
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.5])


@pytest.mark.parametrize("history, match", [
    ({}, "empty"),
    ({"train_loss": []}, "empty"),
    ({"train_loss": [1.0], "valid_loss": [1.0]}, "unknown history key.*valid_loss"),
])
def test_plot_history_rejects_empty_or_unknown(history, match):
    with pytest.raises(ValueError, match=match):
        plot_history(history)


# confusion matrix ------------------------------------------------------------------------------

TARGETS = [0, 0, 1, 2, 2, 2]
PREDICTIONS = [0, 1, 1, 2, 0, 2]
EXPECTED = [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


@pytest.mark.parametrize("convert", [list, np.array, torch.tensor])
def test_confusion_matrix_counts_true_rows_against_predicted_columns(convert):
    matrix = confusion_matrix(convert(TARGETS), convert(PREDICTIONS), 3)
    assert matrix.dtype == torch.long and matrix.shape == (3, 3)
    assert matrix.tolist() == EXPECTED


def test_confusion_matrix_takes_argmax_of_scores():
    scores = torch.nn.functional.one_hot(torch.tensor(PREDICTIONS), 4).float().requires_grad_()
    assert confusion_matrix(torch.tensor(TARGETS), scores, 4).tolist() == [
        row + [0] for row in EXPECTED] + [[0, 0, 0, 0]]


@pytest.mark.parametrize("targets, predictions, num_classes, match", [
    ([0, 1, 2], [0, 1], 3, "3 targets but 2 predictions"),
    ([0, 1, 3], [0, 1, 2], 3, "targets must lie in 0..2"),
    ([0, 1, 2], [0, -1, 2], 3, "predictions must lie in 0..2"),
    ([0], [0], 0, "at least 1"),
])
def test_confusion_matrix_validates(targets, predictions, num_classes, match):
    with pytest.raises(ValueError, match=match):
        confusion_matrix(targets, predictions, num_classes)


def test_plot_confusion_matrix_annotates_every_cell(language):
    fig = plot_confusion_matrix(torch.tensor(TARGETS), torch.tensor(PREDICTIONS),
                                classes=["a", "b", "c"])
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), EXPECTED)
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in ax.texts}
    assert {key: t.get_text() for key, t in cells.items()} == {
        (row, column): str(EXPECTED[row][column]) for row in range(3) for column in range(3)}
    assert colors.same_color(cells[(2, 2)].get_color(), "white")  # the darkest cell
    assert colors.same_color(cells[(0, 2)].get_color(), "black")
    assert texts(ax.get_xticklabels()) == ["a", "b", "c"]
    assert texts(ax.get_yticklabels()) == ["a", "b", "c"]
    assert ax.get_xticklabels()[0].get_rotation() == 45
    assert ax.get_xlabel() == i18n.message("predicted", language)
    assert ax.get_ylabel() == i18n.message("true", language)
    assert ax.get_title() == i18n.message("confusion_title", language)


def test_plot_confusion_matrix_uses_fashion_names_by_default(language):
    fig = plot_confusion_matrix(torch.arange(10), torch.arange(10))
    ax = fig.axes[0]
    assert texts(ax.get_xticklabels()) == i18n.class_names("fashion", language)
    assert texts(ax.get_yticklabels()) == i18n.class_names("fashion", language)
    assert len(ax.texts) == 100
