"""Make matplotlib draw Simplified Chinese, so plots in a ``zh`` notebook show 汉字, not boxes.

matplotlib's default font (DejaVu Sans) has no CJK glyphs: every Chinese character becomes an
empty box plus a "Glyph ... missing from font(s)" warning. :func:`enable_cjk` registers a CJK
font and appends it to ``font.family`` (after the generic ``"sans-serif"``, whose list starts
with DejaVu Sans). matplotlib falls back glyph by glyph *between the families of
``font.family``* -- a generic family such as ``"sans-serif"`` resolves to a single font -- so
Latin text and digits keep DejaVu Sans and only Chinese characters come from the CJK font.

The preferred font is Noto Sans CJK SC from the ``mplfonts`` pip package (in the course's
requirements), found on disk without importing ``mplfonts``: importing it has side effects on
matplotlib's configuration that the course does not want. Every plotting function in ``helper``
calls :func:`enable_cjk` first, so it has to be cheap when called again.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import matplotlib
from matplotlib import font_manager

LATIN_FAMILY = "DejaVu Sans"
"""matplotlib's bundled default; it stays first so Latin text looks exactly as usual."""

SYSTEM_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
    "PingFang SC", "Microsoft YaHei", "SimHei",
)
"""Installed CJK families to fall back on when ``mplfonts`` is absent, best first."""

_MPLFONTS_FILE = ("fonts", "NotoSansCJKsc-Regular.otf")
_UNSEARCHED = object()
_cache = {"family": _UNSEARCHED}


def _mplfonts_font() -> Path | None:
    """The Noto Sans CJK SC file inside the installed ``mplfonts`` package, if any."""
    try:
        spec = importlib.util.find_spec("mplfonts")
    except (ImportError, ValueError):
        return None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder).joinpath(*_MPLFONTS_FILE)
        if path.is_file():
            return path
    return None


def _find_family() -> str | None:
    """Register the best CJK font available and return its family name (None if there is none)."""
    path = _mplfonts_font()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        return font_manager.FontProperties(fname=str(path)).get_name()
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in SYSTEM_FAMILIES if family in installed), None)


def enable_cjk() -> str | None:
    """Let matplotlib render Simplified Chinese; return the CJK family used, or None.

    The font search runs once per process (and warns at most once). Each call then makes sure
    ``font.family`` ends with the CJK family and ``font.sans-serif`` starts with DejaVu Sans and
    the CJK family -- a no-op when they already do, a repair if a notebook or a style reset them.
    A ``font.family`` chosen by the notebook (e.g. ``"serif"``) is kept in front of the CJK font.
    """
    if _cache["family"] is _UNSEARCHED:
        _cache["family"] = _find_family()
        if _cache["family"] is None:
            warnings.warn(
                "No Chinese (CJK) font found: Chinese text in plots will show as empty boxes. "
                "Install one with `pip install mplfonts` (or on Debian/Ubuntu "
                "`sudo apt-get install fonts-noto-cjk`) and restart the kernel.",
                stacklevel=2,
            )
    family = _cache["family"]
    if family is None:
        return None
    rc = matplotlib.rcParams
    primary = [name for name in rc["font.family"] if name != family] or ["sans-serif"]
    if list(rc["font.family"]) != primary + [family]:
        rc["font.family"] = primary + [family]
    wanted = [LATIN_FAMILY, family]
    if list(rc["font.sans-serif"][:2]) != wanted:
        rc["font.sans-serif"] = wanted + [name for name in rc["font.sans-serif"] if name not in wanted]
    return family
