"""helper.diagrams: every explanatory figure speaks the notebook's language and draws every glyph.

Each figure is drawn in English and in Chinese: its texts hold that language's labels (from
helper.i18n) and not the other's, and drawing the Chinese one logs no missing glyph. The last test
proves the glyph check can fail: without the CJK font the same drawing does report missing glyphs.
"""

import matplotlib

matplotlib.use("Agg")

import logging  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from helper import diagrams, fonts, i18n  # noqa: E402

FIGURES = {
    "neuron": (lambda: diagrams.neuron(), ["diagram_neuron_title", "diagram_inputs", "diagram_weights",
                                           "diagram_activation", "diagram_output"]),
    "mlp": (lambda: diagrams.mlp((784, 128, 64, 10)), ["diagram_mlp_title", "diagram_input_layer",
                                                       "diagram_hidden_layer", "diagram_output_layer"]),
    "softmax_bars": (lambda: diagrams.softmax_bars([2.0, 1.0, -1.0, 0.5]),
                     ["diagram_probabilities", "diagram_class", "diagram_softmax_note"]),
    "lenet": (lambda: diagrams.lenet(), ["diagram_lenet_title", "diagram_image", "diagram_flatten"]),
    "computational_graph": (lambda: diagrams.computational_graph({"L": 0.64}, {"z2": "(ŷ − y) / N"}),
                            ["diagram_graph_title", "diagram_loss"]),
    "training_loop": (lambda: diagrams.training_loop(), ["diagram_loop_title", "diagram_loop_batch",
                                                         "diagram_loop_forward", "diagram_loop_step"]),
    "descent_paths": (lambda: diagrams.descent_paths({"μ = 0": np.array([[-9.0, 1.5], [-8.0, -1.0]])},
                                                     lambda x, y: x ** 2 / 20 + y ** 2, (-9.0, 1.5)),
                      ["diagram_descent_title", "diagram_start", "diagram_minimum"]),
    "epoch_batches": (lambda: diagrams.epoch_batches(10, 4), ["diagram_samples", "diagram_shuffled"]),
    "overfitting_gap": (lambda: diagrams.overfitting_gap({"train_loss": [1.0, 0.6, 0.3, 0.1, 0.05],
                                                          "val_loss": [1.1, 0.8, 0.7, 0.8, 0.9]}),
                        ["diagram_gap_title", "diagram_gap"]),
}


@pytest.fixture(autouse=True)
def _reset():
    yield
    plt.close("all")
    i18n.set_language("en")


def figure_texts(fig) -> str:
    """Every text drawn in the figure: titles, labels, annotations, legends, tick labels."""
    texts = [text.get_text() for text in fig.findobj(matplotlib.text.Text)]
    return "\n".join(texts)


def first_line(key: str, language: str) -> str:
    return i18n.message(key, language).split("{")[0].splitlines()[0].strip()


@pytest.mark.parametrize("name", FIGURES)
@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_each_figure_has_its_labels_in_the_notebooks_language(name, language):
    draw, keys = FIGURES[name]
    i18n.set_language(language)
    texts = figure_texts(draw())
    for key in keys:
        assert first_line(key, language) in texts, f"{name}: {key!r} missing in {language}"
    other = [lang for lang in i18n.LANGUAGES if lang != language]
    for key in keys:
        for lang in other:
            foreign = first_line(key, lang)
            if foreign != first_line(key, language):
                assert foreign not in texts, f"{name}: the {lang} text of {key!r} in a {language} figure"


def missing_glyphs(draw) -> list[str]:
    """Draw a zh figure; the missing-glyph warnings and log records (mathtext logs its own)."""
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())
    logger = logging.getLogger("matplotlib")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            i18n.set_language("zh")
            draw().canvas.draw()
    finally:
        logger.removeHandler(handler)
    messages = [str(w.message) for w in caught] + records
    return [m for m in messages if "glyph" in m.lower()]


@pytest.mark.parametrize("name", FIGURES)
def test_chinese_figures_have_every_glyph(name):
    missing = missing_glyphs(FIGURES[name][0])
    assert not missing, f"{name}: {missing[:2]}"


def test_the_glyph_check_fails_without_the_cjk_font(monkeypatch):
    monkeypatch.setattr(fonts, "enable_cjk", lambda: None)
    with matplotlib.rc_context({"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}):
        missing = missing_glyphs(FIGURES["training_loop"][0])
    assert missing


def test_softmax_bars_show_the_probabilities_of_the_logits():
    fig = diagrams.softmax_bars([2.0, 1.0, -1.0, 0.5])
    heights = [patch.get_height() for patch in fig.axes[1].patches]
    expected = np.exp([2.0, 1.0, -1.0, 0.5]) / np.exp([2.0, 1.0, -1.0, 0.5]).sum()
    np.testing.assert_allclose(heights, expected, rtol=1e-6)


def test_epoch_batches_cut_the_shuffled_samples_into_batches():
    texts = figure_texts(diagrams.epoch_batches(10, 4))
    assert "(4)" in texts and "(2)" in texts and "3 iterations = ⌈10 / 4⌉" in texts
