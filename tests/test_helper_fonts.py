"""Chinese plots really render 汉字: drawing them raises no "Glyph ... missing" warning.

The last tests prove the check can fail: with DejaVu Sans alone the same drawing does warn.
"""

import matplotlib

matplotlib.use("Agg")

import subprocess  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from helper import fonts, i18n  # noqa: E402
from helper.classify import view_classify  # noqa: E402
from helper.confusion import plot_confusion_matrix  # noqa: E402
from helper.curves import plot_history  # noqa: E402
from helper.images import show_batch  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _chinese():
    i18n.set_language("zh")
    yield
    plt.close("all")
    i18n.set_language("en")


def missing_glyphs_when_drawing_chinese_figures() -> list[str]:
    """Draw every kind of zh figure; return the "Glyph ... missing" warnings that came up."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures = [
            view_classify(torch.rand(28, 28), torch.full((10,), 0.1), classes="fashion"),
            plot_history({"train_loss": [1.0, 0.5], "test_loss": [1.2, 0.9],
                          "train_acc": [0.6, 0.8], "test_acc": [0.5, 0.7]}),
            plot_confusion_matrix(torch.arange(10), torch.arange(10).flip(0)),
            show_batch(torch.rand(4, 1, 28, 28), [0, 1, 2, 3], classes="fashion", predictions=[0, 1, 5, 6]),
        ]
        fonts.enable_cjk()
        fig, ax = plt.subplots()
        ax.set_title("训练损失（loss）下降了")
        figures.append(fig)
        for figure in figures:
            figure.canvas.draw()
    messages = [str(warning.message) for warning in caught]
    return [text for text in messages if "Glyph" in text and "missing" in text]


def test_chinese_figures_have_every_glyph():
    missing = missing_glyphs_when_drawing_chinese_figures()
    assert not missing, f"{len(missing)} glyph(s) missing, e.g. {missing[0]}"


def test_the_check_fails_without_the_cjk_font(monkeypatch):
    monkeypatch.setattr(fonts, "enable_cjk", lambda: None)
    with matplotlib.rc_context({"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}):
        missing = missing_glyphs_when_drawing_chinese_figures()
    assert missing and "DejaVu Sans" in missing[0]


def test_enable_cjk_puts_dejavu_first_and_the_cjk_font_second():
    family = fonts.enable_cjk()
    assert family == "Noto Sans CJK SC"  # shipped by mplfonts, in the course requirements
    rc = matplotlib.rcParams
    assert list(rc["font.family"]) == ["sans-serif", family]
    assert list(rc["font.sans-serif"][:2]) == ["DejaVu Sans", family]
    before = (list(rc["font.family"]), list(rc["font.sans-serif"]))
    assert fonts.enable_cjk() == family  # idempotent
    assert (list(rc["font.family"]), list(rc["font.sans-serif"])) == before
    latin = font_manager.fontManager._find_fonts_by_props(font_manager.FontProperties())
    assert Path(latin[0]).name == "DejaVuSans.ttf" and len(latin) == 2


def test_enable_cjk_repairs_reset_rc_params_and_keeps_a_chosen_family():
    family = fonts.enable_cjk()
    with matplotlib.rc_context({"font.family": ["serif"], "font.sans-serif": ["Arial"]}):
        assert fonts.enable_cjk() == family
        assert list(matplotlib.rcParams["font.family"]) == ["serif", family]
        assert list(matplotlib.rcParams["font.sans-serif"]) == ["DejaVu Sans", family, "Arial"]


def test_enable_cjk_does_not_import_mplfonts():
    code = "import helper.fonts as f, sys; f.enable_cjk(); print('mplfonts' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_enable_cjk_falls_back_to_an_installed_system_font(monkeypatch):
    monkeypatch.setitem(fonts._cache, "family", fonts._UNSEARCHED)
    monkeypatch.setattr(fonts, "_mplfonts_font", lambda: None)
    entry = font_manager.FontEntry(fname="/nonexistent/wqy-zenhei.ttc", name="WenQuanYi Zen Hei")
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [entry])
    with matplotlib.rc_context():
        assert fonts.enable_cjk() == "WenQuanYi Zen Hei"


def test_enable_cjk_warns_once_with_install_advice_when_no_font_exists(monkeypatch):
    monkeypatch.setitem(fonts._cache, "family", fonts._UNSEARCHED)
    monkeypatch.setattr(fonts, "_mplfonts_font", lambda: None)
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    with matplotlib.rc_context():
        with pytest.warns(UserWarning, match="pip install mplfonts") as record:
            assert fonts.enable_cjk() is None
        assert "fonts-noto-cjk" in str(record[0].message)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert fonts.enable_cjk() is None  # cached: no second warning
