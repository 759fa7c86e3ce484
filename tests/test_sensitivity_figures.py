"""The figures of the sections "Uncertainty and sensitivity" and "Outcomes versus
characteristics", drawn in kk, en and ru: within the book's width, no two labels
overlapping, numeric axes in the edition's locale; and the Sobol table's labels."""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.present import plotting, sensitivity_figures  # noqa: E402
from analysis.present.i18n import LANGUAGES  # noqa: E402

DISTRIBUTION = pd.DataFrame({"nominal": [1, 3, 2, 4], "median": [1, 2, 3, 4], "p05": [1, 1, 2, 3],
                             "p95": [2, 4, 4, 4]}, index=pd.Index(["KAZ", "KGZ", "UZB", "CHN"], name="iso3"))


def figures(lang):
    yield sensitivity_figures.rank_distribution(DISTRIBUTION, lang)
    characteristics = pd.Series([64.5, 45.0, 51.2, 44.6], index=DISTRIBUTION.index)
    outcome = pd.Series([67.9, 70.1, 40.0, 0.7], index=DISTRIBUTION.index)
    yield sensitivity_figures.outcome_scatter(outcome, characteristics, lang, ["KAZ", "CHN"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_figures_fit_and_do_not_overlap(lang):
    plotting.use_book_style()
    for figure in figures(lang):
        try:
            assert figure.get_size_inches()[0] <= plotting.BOOK_WIDTH
            assert plotting.text_overlaps(figure) == []
            numeric = [text.get_text() for text in plotting.drawn_texts(figure)
                       if re.fullmatch(r"[−+\-]?[\d\s\u202f.,]+(\s?%)?", text.get_text())]
            assert numeric
            if lang != "en":
                assert not [label for label in numeric if "-" in label or re.search(r"\d\.\d", label)]
        finally:
            plt.close(figure)


def test_sobol_table_names_inputs_and_outputs_in_the_language():
    indices = pd.DataFrame({"S1": [0.3], "S1_conf": [0.05], "ST": [0.5], "ST_conf": [0.05], "S1_exact": [0.31],
                            "ST_exact": [0.49]}, index=pd.Index(["weighting"], name="input"))
    table = sensitivity_figures.sobol_table({"mean_shift": indices, "rank_KAZ": indices}, "ru")
    assert list(table.iloc[:, 0]) == ["Средний абсолютный сдвиг места", "Место: Казахстан"]
    assert set(table.iloc[:, 1]) == {"Веса"}
