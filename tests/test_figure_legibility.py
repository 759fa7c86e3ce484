"""Figures stay legible in the theme's dark mode and in print: each is drawn on its own
opaque light background (a transparent figure would put dark text on the dark page).
Needs a built site (``make book``)."""
from __future__ import annotations

import pytest
from PIL import Image

LANGUAGES = ("kk", "en", "ru")


def transparent_pixels(path) -> int:
    alpha = Image.open(path).convert("RGBA").getchannel("A")
    return sum(alpha.histogram()[:255])


def test_the_check_finds_a_transparent_figure(tmp_path):
    image = Image.new("RGBA", (4, 4), (255, 255, 255, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    image.save(tmp_path / "figure.png")
    assert transparent_pixels(tmp_path / "figure.png") == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_figure_is_opaque_on_a_light_background(site_dir, lang):
    figures = sorted((site_dir / lang / "_images").glob("*.png"))
    assert len(figures) >= 10
    for path in figures:
        assert transparent_pixels(path) == 0, f"{path.name} has transparent pixels"
        corner = Image.open(path).convert("L").getpixel((1, 1))
        assert corner >= 240, f"{path.name} is not on a light background"
