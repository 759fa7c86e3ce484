"""A figure's PNG (``plotting.png_bytes``): drawn once, it shows what Matplotlib's own
``savefig(bbox_inches="tight")`` shows, at the same size, with the same margin."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from analysis.present import plotting  # noqa: E402


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def reference(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def least_difference(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Mean grey-level difference of the two pictures, at the best shift of at most one pixel
    each way (Matplotlib places a tight crop at a fraction of a pixel; ours rounds it)."""
    height = min(ours.shape[0], theirs.shape[0]) - 2
    width = min(ours.shape[1], theirs.shape[1]) - 2
    return min(np.abs(ours[1 + dy:1 + dy + height, 1 + dx:1 + dx + width] - theirs[1:1 + height, 1:1 + width]).mean()
               for dy in (-1, 0, 1) for dx in (-1, 0, 1))


def small_square_figure():
    """A figure whose drawing fills only its middle: a square panel in a wide figure."""
    plotting.use_book_style()
    figure = plt.figure(figsize=(8, 4))
    axes = figure.add_axes((0.35, 0.2, 0.3, 0.6))
    axes.plot([0, 1, 2], [2, 0, 1], linewidth=3)
    axes.set_title("Panel")
    axes.set_ylabel("Share")
    return figure


def wide_figure():
    plotting.use_book_style()
    figure, axes = plt.subplots(figsize=(8, 3), layout="constrained")
    for shift in range(4):
        axes.plot(range(1990, 2021), np.sin(np.arange(31) / (3 + shift)) + shift, label=f"series {shift}")
    axes.legend(loc="upper left")
    plotting.fit_title(axes, "A title as long as the book's titles are, to be wrapped onto two lines")
    return figure


@pytest.mark.parametrize("make", [small_square_figure, wide_figure])
def test_the_png_is_the_tight_crop_savefig_makes(make):
    theirs = pixels(reference(make()))
    ours = pixels(plotting.png_bytes(make()))
    assert abs(ours.shape[0] - theirs.shape[0]) <= 1 and abs(ours.shape[1] - theirs.shape[1]) <= 1
    # Matplotlib draws a tight crop at a fraction of a pixel, so anti-aliased edges differ a
    # little (about 4 grey levels on average here); a picture shifted by 3 pixels differs by
    # 7 and more, one not cropped by far more
    assert least_difference(ours, theirs) < 5.0


def test_a_small_drawing_is_cropped_to_itself():
    figure = small_square_figure()
    width, height = figure.get_size_inches() * figure.dpi
    ours = pixels(plotting.png_bytes(figure))
    assert ours.shape[1] < 0.6 * width and ours.shape[0] < height
    # the margin round the drawing is the figure's white, on every side
    assert ours[:3].min() > 250 and ours[-3:].min() > 250 and ours[:, :3].min() > 250 and ours[:, -3:].min() > 250


def test_text_beyond_the_figure_s_edge_is_kept():
    figure = wide_figure_with_note()
    width = figure.get_size_inches()[0] * figure.dpi
    theirs = pixels(reference(wide_figure_with_note()))
    ours = pixels(plotting.png_bytes(figure))
    assert ours.shape[1] > width + 50
    assert ours[:, -100:].min() < 100  # the note itself, not only room for it
    assert ours.shape == theirs.shape and least_difference(ours, theirs) < 5.0


def wide_figure_with_note():
    figure = wide_figure()
    figure.text(1.02, 0.5, "a note outside", fontsize=14)
    return figure


def test_the_png_has_a_palette_and_closes_the_figure():
    figure = wide_figure()
    number = figure.number
    image = Image.open(io.BytesIO(plotting.png_bytes(figure)))
    assert image.mode == "P" and not image.info.get("Software")
    assert number not in plt.get_fignums()
