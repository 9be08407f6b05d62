"""Fonts and matplotlib settings for the plots: DejaVu Sans for Latin, a CJK font found on the machine.

Chinese labels must be drawn as glyphs, never as empty boxes. matplotlib's own font (DejaVu Sans) has
no CJK glyphs, so a CJK font is found by file (``$HCC_KG_CJK_FONT``, fontconfig's choice for Chinese,
or a known family through matplotlib's font manager), checked to hold Chinese glyphs, and used as the
per-glyph fallback after DejaVu Sans. Without one, a plot with Chinese labels fails with an install
hint; CI installs ``fonts-wqy-zenhei`` (``.ci/run``).
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from hcc_kg.errors import HccKgError

LATIN_FONT = "DejaVu Sans"  # ships with matplotlib: the same Latin glyphs on every machine
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Droid Sans Fallback", "PingFang SC", "Hiragino Sans GB",
                "Microsoft YaHei", "SimHei")
INSTALL_HINT = ("install a CJK font (Debian/Ubuntu: apt-get install fonts-wqy-zenhei, or fonts-noto-cjk), "
                "or set HCC_KG_CJK_FONT to a .ttf/.otf/.ttc file with Chinese glyphs")
HASH_SALT = "hcc-kg"
_PROBE = "中文评分"


def covers_cjk(path: str | Path) -> bool:
    """Whether a font file has glyphs for common Chinese characters."""
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(str(path)).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(ch) in charmap for ch in _PROBE)


def _candidates() -> Iterator[str]:
    """Font files to try, best first: the user's choice, fontconfig's font for Chinese, known families."""
    import shutil
    import subprocess

    from matplotlib import font_manager

    if os.environ.get("HCC_KG_CJK_FONT"):
        yield os.environ["HCC_KG_CJK_FONT"]
        return
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            yield subprocess.run([fc_match, "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True,
                                 timeout=20, check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    for family in CJK_FAMILIES:
        try:
            yield font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue


@lru_cache(maxsize=1)
def cjk_font() -> Path | None:
    """The file of a font with Chinese glyphs: $HCC_KG_CJK_FONT, fontconfig's choice, or a known family."""
    with _quiet_font_log():
        return next((Path(c) for c in _candidates() if c and Path(c).is_file() and covers_cjk(c)), None)


@lru_cache(maxsize=4)
def _register(path: Path) -> str:
    """Add a font file to matplotlib's font manager once; its family name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(path)).get_name())


def families(needs_cjk: bool) -> list[str]:
    """The font family list: Latin first, the CJK font (registered by file) as per-glyph fallback."""
    path = cjk_font()
    if path is None:
        if needs_cjk:
            raise HccKgError(f"the plot has Chinese labels and no CJK font was found: {INSTALL_HINT}")
        return [LATIN_FONT]
    return [LATIN_FONT, _register(path)]


@contextmanager
def _quiet_font_log() -> Iterator[None]:
    """Silence the font manager's "failed to find weight normal, using 500" (a CJK font's regular face)."""
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextmanager
def plot_settings(needs_cjk: bool) -> Iterator[None]:
    """Matplotlib's defaults plus ours, whatever the user's matplotlibrc says; stable SVG ids.

    A glyph no font has (matplotlib would draw an empty box) is an error, not a warning.
    """
    import matplotlib as mpl

    fonts = families(needs_cjk)
    with _quiet_font_log(), mpl.rc_context(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mpl.rcdefaults()
        mpl.rcParams.update({"font.family": fonts, "font.size": 9, "svg.hashsalt": HASH_SALT,
                             "svg.fonttype": "path", "pdf.fonttype": 42, "axes.unicode_minus": False})
        yield
        missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
        if missing:
            raise HccKgError(f"a label has a character no installed font can draw ({missing[0]}): "
                             f"{INSTALL_HINT}")
