"""The gravity chapter: treatment dummies, flows, the PPML estimator and the real fits."""
import numpy as np
import pandas as pd
import pyfixest as pf
import pytest
import statsmodels.api as sm

from analysis.data.load import load_extract
from analysis.errors import DataError
from analysis.measures import gravity, gravity_data


def _pairs(rows):
    return pd.DataFrame(rows, columns=["exporter", "importer", "year"])


def _members(rows):
    table = pd.DataFrame(rows, columns=["union", "iso3", "member_from"])
    return table.assign(member_from=pd.to_datetime(table.member_from))


# --- treatment dummies on tiny tables, on both sides of the dates ---------------------

def test_union_membership_counts_from_the_year_whose_1_july_it_covers():
    members = _members([("eaeu", "AAA", "2015-01-01"), ("eaeu", "BBB", "2015-08-12"),
                        ("eaeu", "CCC", "2015-07-01"), ("customs_union", "DDD", "2010-01-01")])
    pairs = _pairs([("AAA", "BBB", 2015), ("AAA", "BBB", 2016), ("BBB", "AAA", 2016),
                    ("AAA", "CCC", 2014), ("AAA", "CCC", 2015),  # CCC joins exactly on 1 July 2015
                    ("AAA", "DDD", 2020)])                         # DDD is in another union
    assert gravity_data.union_dummy(pairs, members, "eaeu").tolist() == [0, 1, 1, 0, 1, 0]
    # four years ahead: the 2011 row already sees 2015
    ahead = _pairs([("AAA", "CCC", 2010), ("AAA", "CCC", 2011), ("AAA", "BBB", 2011), ("AAA", "BBB", 2012)])
    assert gravity_data.union_dummy(ahead, members, "eaeu", shift=4).tolist() == [0, 1, 0, 1]


def test_bri_needs_both_partners_joined_and_not_yet_left():
    bri = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC", "DDD"],
                        "join_date": ["2013-12-01", "2015-06-30", "2019-03-01", ""],
                        "exit_date": ["", "", "2023-06-12", ""]})
    pairs = _pairs([("AAA", "BBB", 2014), ("AAA", "BBB", 2015), ("BBB", "AAA", 2015),
                    ("AAA", "CCC", 2019), ("AAA", "CCC", 2023), ("AAA", "CCC", 2022),
                    ("AAA", "DDD", 2020)])  # DDD never joined (no date)
    assert gravity_data.bri_dummy(pairs, bri).tolist() == [0, 1, 1, 1, 0, 1, 0]


def _agreements(rows):
    return pd.DataFrame(rows, columns=["rta_id", "type", "entry_into_force", "inactive_date", "signatories"])


def test_fta_in_force_between_entry_and_inactive_date_and_only_goods_ftas():
    agreements = _agreements([
        (1, "FTA", "2000-06-30", "2005-07-02", "AAA;BBB"),
        (2, "CU", "2000-01-01", "", "AAA;CCC"),        # a customs-union record is not an FTA
        (3, "PSA", "2000-01-01", "", "AAA;DDD"),       # nor a partial-scope agreement
        (4, "FTA & EIA", "2000-07-02", "", "BBB;DDD")])
    pairs = _pairs([("AAA", "BBB", 1999), ("AAA", "BBB", 2000), ("BBB", "AAA", 2005), ("AAA", "BBB", 2006),
                    ("AAA", "CCC", 2003), ("AAA", "DDD", 2003), ("BBB", "DDD", 2000), ("DDD", "BBB", 2001)])
    members = _members([("eu", "ZZZ", "1958-01-01")])
    assert gravity_data.fta_dummy(pairs, agreements, members).tolist() == [0, 1, 1, 0, 0, 0, 0, 1]


def test_a_bloc_party_stands_for_its_members_and_a_shared_union_supersedes_the_fta():
    agreements = _agreements([(1, "FTA", "2019-10-27", "", "EEU;IRN"),
                              (2, "FTA", "1993-01-01", "", "KAZ;RUS")])
    members = _members([("eaeu", "KAZ", "2015-01-01"), ("eaeu", "RUS", "2015-01-01"),
                        ("eaeu", "KGZ", "2020-08-12")])  # joins the bloc after the agreement
    pairs = _pairs([("IRN", "KAZ", 2019), ("IRN", "KAZ", 2020), ("RUS", "IRN", 2020), ("KGZ", "IRN", 2021),
                    ("KAZ", "RUS", 2014), ("KAZ", "RUS", 2015)])
    assert gravity_data.fta_dummy(pairs, agreements, members).tolist() == [0, 1, 1, 0, 1, 0]


def test_membership_table_matches_the_wto_records_it_cites():
    wto = load_extract().trade_agreements_wto.set_index("rta_id")
    table = pd.read_csv(gravity_data.UNIONS_FILE, dtype=str, keep_default_na=False)
    cited = table[table.wto_rta_id != ""]
    assert len(cited) >= 10
    for row in cited.itertuples():
        record = wto.loc[int(row.wto_rta_id)]
        assert record.entry_into_force == row.member_from, row
        assert row.iso3 in record.signatories.split(";"), row


def test_a_bad_membership_row_names_file_row_and_field(tmp_path):
    path = tmp_path / "unions.csv"
    path.write_text("union,iso3,member_from,wto_rta_id,source,reason\n"
                    "eaeu,KAZ,2015-01-01,909,WTO,\n"
                    "ecu,RUS,2015-01-01,909,WTO,\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"row 3, field 'union'"):
        gravity_data.customs_unions(path)
    path.write_text("union,iso3,member_from,wto_rta_id,source,reason\neaeu,KAZ,2015-13-01,909,WTO,\n",
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"row 2, field 'member_from'"):
        gravity_data.customs_unions(path)


# --- flows -------------------------------------------------------------------------------

def test_flows_take_the_importers_report_first_and_keep_unreported_pairs_as_zero():
    flows = pd.DataFrame([
        ("AAA", "BBB", "imports", 2000, 10.0, False),   # B -> A: importer A's CIF report
        ("BBB", "AAA", "exports", 2000, 9.0, False),    #          exporter B's mirror, not used
        ("BBB", "AAA", "imports", 2000, 5.0, True),     # A -> B: importer's report is an IMF estimate
        ("AAA", "BBB", "exports", 2000, 4.0, False),    #          so exporter A's national report is used
        ("AAA", "CCC", "exports", 2000, 7.0, False),    # A -> C: only the exporter reported
        ("AAA", "WLD", "exports", 2000, 100.0, False),  # a world total is not a partner
    ], columns=["reporter", "partner", "flow", "year", "value_usd_m", "estimate"])
    frame = gravity_data.bilateral_flows(flows, ["AAA", "BBB", "CCC"]).set_index(["exporter", "importer"])
    assert len(frame) == 6  # every ordered pair of three countries, one year
    assert frame.loc[("BBB", "AAA"), "value_usd_m"] == 10.0
    assert frame.loc[("BBB", "AAA"), "source"] == "importer"
    assert frame.loc[("AAA", "BBB"), "value_usd_m"] == 4.0
    assert frame.loc[("AAA", "BBB"), "source"] == "exporter"
    assert frame.loc[("AAA", "CCC"), "value_usd_m"] == 7.0
    assert frame.loc[("CCC", "BBB"), "value_usd_m"] == 0.0
    assert frame.loc[("CCC", "BBB"), "source"] == "none"


def test_percent_change_and_interval_years_by_hand():
    assert gravity.percent_change([np.log(2), 0.0, np.log(0.5)]).tolist() == pytest.approx([100.0, 0.0, -50.0])
    assert gravity.interval_years(range(1992, 2021)) == [1992, 1996, 2000, 2004, 2008, 2012, 2016, 2020]
    assert gravity.interval_years([2001, 2002, 2003, 2004, 2005, 2006]) == [2002, 2006]


# --- the estimator ---------------------------------------------------------------------------

def _synthetic_panel(seed=3, countries=5, years=6):
    rng = np.random.default_rng(seed)
    codes = [f"C{i}" for i in range(countries)]
    index = pd.MultiIndex.from_product([codes, codes, range(2000, 2000 + years)], names=["exporter", "importer", "year"])
    frame = index.to_frame(index=False)
    frame = frame[frame.exporter != frame.importer].reset_index(drop=True)
    size = dict(zip(codes, rng.uniform(-1.5, 1.5, countries)))
    frame["pair"] = frame.exporter + "-" + frame.importer
    frame["exporter_year"] = frame.exporter + "-" + frame.year.astype(str)
    frame["importer_year"] = frame.importer + "-" + frame.year.astype(str)
    pair_cost = frame.pair.map(dict(zip(frame.pair.unique(), rng.normal(0, 0.5, frame.pair.nunique()))))
    start = frame.pair.map(dict(zip(frame.pair.unique(), rng.integers(2001, 2000 + years + 3, frame.pair.nunique()))))
    frame["agreement"] = (frame.year >= start).astype(int)
    frame["union"] = ((frame.year >= 2003) & frame.exporter.isin(["C0", "C1", "C2"])
                      & frame.importer.isin(["C0", "C1", "C2"])).astype(int)
    mean = np.exp(frame.exporter.map(size) + frame.importer.map(size) + 0.1 * (frame.year - 2000) + pair_cost
                  + 0.4 * frame.agreement - 0.2 * frame.union)
    frame["value_usd_m"] = rng.poisson(mean * 3) / 3.0  # some zeros
    return frame


def _full_rank(design: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``design``, in order, that add to its rank (the three sets of
    dummies are collinear with each other; a GLM needs a full-rank design)."""
    kept, basis = [], np.empty((len(design), 0))
    for column in design.columns:
        values = design[column].to_numpy(float)
        residual = values - basis @ (basis.T @ values)  # Gram-Schmidt against the kept columns
        residual -= basis @ (basis.T @ residual)
        if np.linalg.norm(residual) > 1e-9 * max(np.linalg.norm(values), 1.0):
            kept.append(column)
            basis = np.column_stack([basis, residual / np.linalg.norm(residual)])
    return design[kept]


def test_ppml_equals_a_glm_poisson_with_dummy_variables():
    data = _synthetic_panel()
    assert (data.value_usd_m == 0).any()
    ours = gravity.fit_ppml(data, ["agreement", "union"])
    dummies = [pd.get_dummies(data[name], prefix=name, dtype=float) for name in ("exporter_year", "importer_year", "pair")]
    design = _full_rank(pd.concat([data[["agreement", "union"]].astype(float)] + dummies, axis=1))
    assert list(design.columns[:2]) == ["agreement", "union"]
    glm = sm.GLM(data.value_usd_m, design, family=sm.families.Poisson()).fit(tol=1e-13, maxiter=200)
    for term in ("agreement", "union"):
        assert ours.coef()[term] == pytest.approx(glm.params[term], abs=1e-6)


def test_ppml_errors_are_clustered_by_pair():
    """The sandwich clustered by pair, computed from the dummy-variable Poisson fit:
    (X'WX)^-1 (sum over pairs of s_g s_g') (X'WX)^-1 with s_g = X_g'(y_g - mu_g). Our
    variances are that sandwich times one small-sample factor, the same for every term;
    clustering by exporter-year would not be (checked too, so the test can fail)."""
    data = _synthetic_panel()
    terms = ["agreement", "union"]
    ours = gravity.fit_ppml(data, terms).se().to_numpy() ** 2
    dummies = [pd.get_dummies(data[name], prefix=name, dtype=float) for name in ("exporter_year", "importer_year", "pair")]
    design = _full_rank(pd.concat([data[terms].astype(float)] + dummies, axis=1))
    glm = sm.GLM(data.value_usd_m, design, family=sm.families.Poisson()).fit(tol=1e-13, maxiter=200)
    x, mu = design.to_numpy(), glm.fittedvalues.to_numpy()
    bread = np.linalg.inv(x.T @ (mu[:, None] * x))

    def ratio(by):
        scores = pd.DataFrame(x * (data.value_usd_m.to_numpy() - mu)[:, None]).groupby(data[by].to_numpy()).sum()
        sandwich = bread @ (scores.T.to_numpy() @ scores.to_numpy()) @ bread
        return ours / np.diag(sandwich)[:2]

    by_pair = ratio("pair")
    assert by_pair[0] == pytest.approx(by_pair[1], rel=1e-6) and by_pair[0] > 1
    by_exporter_year = ratio("exporter_year")
    assert abs(by_exporter_year[0] / by_exporter_year[1] - 1) > 0.1


def test_ppml_fitted_totals_add_up_by_exporter_year_and_importer_year():
    """Fally (2015): with exporter(-year) and importer(-year) effects, PPML's fitted
    totals per exporter and per importer equal the observed ones."""
    data = _synthetic_panel(seed=8)
    fit = gravity.fit_ppml(data, ["agreement", "union"])
    assert gravity.adding_up_gap(fit, data, "exporter_year") < 1e-6
    assert gravity.adding_up_gap(fit, data, "importer_year") < 1e-6
    # without those effects the property does not hold: the check can fail
    pair_only = pf.fepois("value_usd_m ~ agreement + union | pair", data=data)
    assert gravity.adding_up_gap(pair_only, data, "exporter_year") > 1e-3


def test_poisson_regression_reproduces_dobsons_published_example():
    """Reference: Dobson (1990), *An Introduction to Generalized Linear Models*, Chapman
    and Hall, p. 93, "Randomized Controlled Trial": counts 18, 17, 15, 20, 10, 20, 25,
    13, 12 in a 3 x 3 table of outcome by treatment, Poisson log-linear model with both
    main effects. The data are printed in the book and in R's ``glm`` help page (stats
    package), which fits them; R prints (Intercept) 3.045, outcome2 −0.4543, outcome3
    −0.2930, treatment2 and treatment3 0 (1e-15), standard errors 0.1709, 0.2022,
    0.1927, 0.2000, 0.2000, residual deviance 5.1291 on 4 degrees of freedom.

    No published gravity (PPML with fixed effects) example small enough to ship with
    printed coefficients was found, so this is a published Poisson regression, not a
    gravity estimate. The same coefficients also follow in closed form from the table's
    margins (intercept log 21, outcome log(40/63) and log(47/63)), checked here too."""
    data = pd.DataFrame({"counts": [18, 17, 15, 20, 10, 20, 25, 13, 12],
                         "outcome": ["1", "2", "3"] * 3, "treatment": ["1"] * 3 + ["2"] * 3 + ["3"] * 3})
    fit = pf.fepois("counts ~ C(outcome) + C(treatment)", data=data, vcov="iid", iwls_tol=1e-12)
    coef = fit.coef().to_numpy()
    assert coef == pytest.approx([3.045, -0.4543, -0.2930, 0.0, 0.0], abs=5e-4)
    mu = np.asarray(fit.predict(type="response"))
    design = np.column_stack([np.ones(9)] + [(data[name] == level).to_numpy(float)
                                             for name, level in [("outcome", "2"), ("outcome", "3"),
                                                                 ("treatment", "2"), ("treatment", "3")]])
    se = np.sqrt(np.diag(np.linalg.inv(design.T @ (mu[:, None] * design))))  # inverse Fisher information
    assert se == pytest.approx([0.1709, 0.2022, 0.1927, 0.2000, 0.2000], abs=5e-5)
    assert coef[:3] == pytest.approx([np.log(21), np.log(40 / 63), np.log(47 / 63)], abs=1e-8)
    y = data.counts.to_numpy()
    assert 2 * np.sum(y * np.log(y / mu) - (y - mu)) == pytest.approx(5.1291, abs=5e-5)


# --- the real extract --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fits():
    return gravity.load_or_fit()


def test_golden_main_estimates_of_the_real_extract(fits):
    annual = fits.results[fits.results.specification == "annual"].set_index("term")
    expected = {"fta": 0.4055, "eu": 0.6896, "customs_union": -0.0931, "eaeu": 0.4180, "bri": -0.0069}
    for term, value in expected.items():
        assert round(annual.at[term, "coefficient"], 4) == pytest.approx(value, abs=1e-9), term
    assert round(annual.at["eaeu", "ci_low"], 4) == pytest.approx(0.2599)
    assert round(annual.at["eaeu", "ci_high"], 4) == pytest.approx(0.5761)
    assert annual.n_obs.unique().tolist() == [26 * 25 * len(fits.years)]


def test_real_fits_cover_the_data_years_and_report_what_was_dropped(fits):
    assert fits.years[0] == int(load_extract().trade_flows.year.min())
    assert fits.years[-1] == int(load_extract().trade_flows.year.max())
    by_spec = fits.results.groupby("specification")[["n_obs", "n_dropped"]].first()
    assert by_spec.at["annual", "n_dropped"] == 0
    assert by_spec.at["intervals", "n_dropped"] == 8
    assert by_spec.at["ols", "n_dropped"] == fits.settings["n_zero"]
    assert fits.adding_up < 1e-5
    leads = fits.results[fits.results.specification == "leads"]
    assert sorted(leads.term) == sorted(list(gravity_data.TREATMENTS) + [f"lead_{n}" for n in gravity_data.TREATMENTS])
    row = fits.results.iloc[0]
    assert row.percent == pytest.approx(100 * np.expm1(row.coefficient))
    assert row.percent_low == pytest.approx(100 * np.expm1(row.ci_low))


# --- the chapter's figure and table ----------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "en", "ru"])
def test_coefficient_plot_fits_the_page_without_overlaps_and_in_the_locale(fits, lang):
    import re

    import matplotlib.pyplot as plt

    from analysis.present import gravity_figures, plotting
    plotting.use_book_style()
    figure = gravity_figures.coefficient_plot(fits.results, lang)
    try:
        assert figure.get_size_inches()[0] <= plotting.BOOK_WIDTH
        assert plotting.text_overlaps(figure) == []
        ticks = [label.get_text() for label in figure.axes[0].get_xticklabels() if label.get_text()]
        assert ticks and all(re.fullmatch(r"−?\d+[.,]\d", tick) for tick in ticks)
        if lang != "en":
            assert not any("." in tick or "-" in tick for tick in ticks)
        legend = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
        assert len(legend) == len(gravity_figures.SERIES)
    finally:
        plt.close(figure)


def test_coefficient_table_and_small_numbers_in_the_locale(fits):
    from analysis.present import gravity_figures
    table = gravity_figures.coefficient_table(fits.results, "ru")
    assert len(table) == len(fits.results)
    assert "Таможенный союз 2010 года: за 4 года до вступления в силу" in set(table.iloc[:, 1])
    assert gravity_figures.power_of_ten(2.5e-7, "ru") == "2,5\u00a0·\u00a010\u207b\u2077"
    assert gravity_figures.power_of_ten(0.012, "en") == "1.2\u00a0·\u00a010\u207b\u00b2"


def test_the_lead_s_years_agree_with_their_number_and_stay_with_it_on_a_wrapped_label(monkeypatch):
    from analysis.present import gravity_figures
    assert gravity_figures.series_label("annual", True, "ru") == "Опережающая переменная: за 4 года до вступления в силу"
    monkeypatch.setattr(gravity, "LEAD", 5)
    assert gravity_figures.term_label("lead_eaeu", "ru") == "Евразийский экономический союз: за 5 лет до вступления в силу"
    assert gravity_figures.term_label("lead_eu", "en") == "European Union: the 5 years before entry"
    monkeypatch.setattr(gravity, "LEAD", 1)
    assert gravity_figures.series_label("annual", True, "ru") == "Опережающая переменная: за 1 год до вступления в силу"
    assert gravity_figures.series_label("annual", True, "en") == "Lead: the 1 year before entry"
    # a line never starts with the word that follows a number
    assert gravity_figures._wrapped("Таможенный союз 2010 года", 22) == "Таможенный союз\n2010\u00a0года"


# --- the four specifications on a small hand-made panel ------------------------------------

def _treated_panel(seed=4, countries=5, years=9):
    """Every treatment switches on for some pairs within the years; leads are the status
    four years ahead; the first exporter sells nothing in the first year (a group of zeros)."""
    rng = np.random.default_rng(seed)
    frame = _synthetic_panel(seed, countries, years).drop(columns=["agreement", "union"])
    pairs = frame.pair.unique()
    mean = np.ones(len(frame))
    for j, name in enumerate(gravity_data.TREATMENTS):
        start = dict(zip(pairs, rng.integers(2000, 2000 + years + 4, len(pairs))))
        frame[name] = (frame.year >= frame.pair.map(start)).astype(int)
        frame[f"lead_{name}"] = (frame.year + 4 >= frame.pair.map(start)).astype(int)
        mean = mean * np.exp((0.3 - 0.15 * j) * frame[name])
    frame["value_usd_m"] = frame.value_usd_m * mean
    frame.loc[(frame.exporter == "C0") & (frame.year == 2000), "value_usd_m"] = 0.0
    return frame


def _glm(data, terms, outcome="value_usd_m", family=None):
    dummies = [pd.get_dummies(data[name], prefix=name, dtype=float) for name in ("exporter_year", "importer_year", "pair")]
    design = _full_rank(pd.concat([data[terms].astype(float)] + dummies, axis=1))
    assert list(design.columns[:len(terms)]) == terms
    if family is None:
        return sm.OLS(data[outcome], design).fit()
    return sm.GLM(data[outcome], design, family=family).fit(tol=1e-13, maxiter=300)


def test_fit_all_on_a_small_panel_matches_glm_poisson_and_ols_with_dummies():
    data = _treated_panel()
    fits = gravity.fit_all(data)
    terms = list(gravity_data.TREATMENTS)
    leads = [f"lead_{name}" for name in terms]
    results = fits.results
    assert list(results.columns) == gravity.RESULT_COLUMNS
    assert list(results.specification.unique()) == ["annual", "intervals", "leads", "ols"]
    assert fits.years == list(range(2000, 2009))
    assert fits.interval_years == [2000, 2004, 2008]  # every fourth year back from 2008

    def rows(name):
        return results[results.specification == name].set_index("term")

    kept = data[~((data.exporter == "C0") & (data.year == 2000))]  # the all-zero exporter-year
    annual = _glm(kept, terms, family=sm.families.Poisson())
    assert rows("annual").coefficient[terms].to_numpy() == pytest.approx(annual.params[terms].to_numpy(), abs=1e-6)
    chosen = kept[kept.year.isin([2000, 2004, 2008])]
    intervals = _glm(chosen, terms, family=sm.families.Poisson())
    assert rows("intervals").coefficient[terms].to_numpy() == pytest.approx(intervals.params[terms].to_numpy(),
                                                                            abs=1e-6)
    with_leads = _glm(kept, terms + leads, family=sm.families.Poisson())
    assert list(rows("leads").index) == terms + leads
    assert list(rows("leads").treatment) == terms + terms
    assert rows("leads").coefficient.to_numpy() == pytest.approx(with_leads.params[terms + leads].to_numpy(),
                                                                 abs=1e-6)
    positive = data[data.value_usd_m > 0].assign(log_value=lambda f: np.log(f.value_usd_m))
    ols = _glm(positive, terms, outcome="log_value")
    assert rows("ols").coefficient[terms].to_numpy() == pytest.approx(ols.params[terms].to_numpy(), abs=1e-8)

    # counts: the annual fits drop the five flows of the all-zero exporter-year
    n_zero = int((data.value_usd_m == 0).sum())
    n_interval = int(data.year.isin([2000, 2004, 2008]).sum())
    assert rows("annual").n_obs.unique().tolist() == [len(data) - 4]
    assert rows("annual").n_dropped.unique().tolist() == [4]
    assert rows("leads").n_dropped.unique().tolist() == [4]
    assert rows("intervals").n_obs.unique().tolist() == [n_interval - 4]
    assert rows("ols").n_dropped.unique().tolist() == [n_zero]
    assert rows("ols").n_obs.unique().tolist() == [len(data) - n_zero]

    # intervals, p-values and percentages as pyfixest reports them, mapped through 100 (e^b - 1)
    reference = gravity.fit_ppml(data, terms).tidy()
    table = rows("annual")
    assert table.std_error.to_numpy() == pytest.approx(reference["Std. Error"].to_numpy())
    assert table.ci_low.to_numpy() == pytest.approx(reference["2.5%"].to_numpy())
    assert table.ci_high.to_numpy() == pytest.approx(reference["97.5%"].to_numpy())
    assert (table.ci_low < table.coefficient).all() and (table.coefficient < table.ci_high).all()
    assert table.p_value.to_numpy() == pytest.approx(reference["Pr(>|t|)"].to_numpy())
    assert table.percent.to_numpy() == pytest.approx(100 * np.expm1(table.coefficient.to_numpy()))
    assert table.percent_low.to_numpy() == pytest.approx(100 * np.expm1(table.ci_low.to_numpy()))
    assert table.percent_high.to_numpy() == pytest.approx(100 * np.expm1(table.ci_high.to_numpy()))
    assert list(table.treatment) == terms

    pd.testing.assert_frame_equal(fits.switching, gravity.switching_pairs(data))
    assert fits.adding_up < 1e-6
    assert fits.panel is data and fits.seconds > 0
    assert fits.settings == {"interval": 4, "lead": 4, "reference_day": (7, 1), "n_positive": len(data) - n_zero,
                             "n_zero": n_zero, "n_countries": 5, "n_pairs": 20}


def test_switching_pairs_count_ever_treated_and_changing_pairs_by_hand():
    panel = pd.DataFrame({"pair": ["a", "a", "b", "b", "c", "c"], "fta": [0, 1, 1, 1, 0, 0],
                          "eu": [0, 0, 0, 0, 1, 0]})
    table = gravity.switching_pairs(panel, ["fta", "eu"])
    assert table.to_dict("records") == [{"treatment": "fta", "pairs_treated": 2, "pairs_changing": 1},
                                        {"treatment": "eu", "pairs_treated": 1, "pairs_changing": 1}]


def _small_extract():
    from types import SimpleNamespace
    flows = pd.DataFrame([
        ("KAZ", "RUS", "imports", 2018, 10.0, False), ("RUS", "KAZ", "imports", 2019, 12.0, False),
        ("IRN", "KAZ", "exports", 2020, 3.0, False), ("KAZ", "IRN", "imports", 2021, 2.0, False),
    ], columns=["reporter", "partner", "flow", "year", "value_usd_m", "estimate"])
    agreements = _agreements([(1, "FTA", "2019-10-27", "", "EEU;IRN")])
    bri = pd.DataFrame({"iso3": ["KAZ", "RUS", "IRN"], "join_date": ["2013-09-07", "2019-06-30", "2020-07-02"],
                        "exit_date": ["", "2022-12-31", ""]})
    return SimpleNamespace(trade_flows=flows, trade_agreements_wto=agreements, bri_countries=bri)


def test_panel_of_a_small_extract_by_hand():
    members = _members([("eaeu", "KAZ", "2015-01-01"), ("eaeu", "RUS", "2015-01-01")])
    frame = gravity_data.panel(_small_extract(), lead=1, countries=["KAZ", "RUS", "IRN"], members=members)
    assert len(frame) == 6 * 4  # every ordered pair of three countries in each of the four years
    assert list(frame.columns[-3:]) == ["pair", "exporter_year", "importer_year"]
    assert [c for c in frame.columns if c.startswith("lead_")] == [f"lead_{n}" for n in gravity_data.TREATMENTS]
    row = frame.set_index(["exporter", "importer", "year"])
    assert row.loc[("RUS", "KAZ", 2018), "value_usd_m"] == 10.0
    assert row.loc[("RUS", "KAZ", 2018), "pair"] == "RUS-KAZ"
    assert row.loc[("RUS", "KAZ", 2018), "exporter_year"] == "RUS-2018"
    assert row.loc[("RUS", "KAZ", 2018), "importer_year"] == "KAZ-2018"
    assert row.loc[("IRN", "RUS", 2020), "value_usd_m"] == 0.0
    # the EAEU-Iran FTA enters into force on 27 October 2019: counted from 2020, lead from 2019
    assert row.loc[("IRN", "KAZ", 2019), ["fta", "lead_fta"]].tolist() == [0, 1]
    assert row.loc[("KAZ", "IRN", 2020), ["fta", "lead_fta"]].tolist() == [1, 1]
    assert row.loc[("KAZ", "IRN", 2018), ["fta", "lead_fta"]].tolist() == [0, 0]
    # KAZ and RUS share the EAEU throughout, which supersedes any FTA
    assert (row.xs(("KAZ", "RUS"), level=["exporter", "importer"]).eaeu == 1).all()
    assert (row.xs(("KAZ", "RUS"), level=["exporter", "importer"]).fta == 0).all()
    assert (frame.eu == 0).all() and (frame.customs_union == 0).all()
    # BRI: RUS joins 30 June 2019, IRN 2 July 2020
    assert row.loc[("KAZ", "RUS", 2018), ["bri", "lead_bri"]].tolist() == [0, 1]
    assert row.loc[("RUS", "IRN", 2020), ["bri", "lead_bri"]].tolist() == [0, 1]
    assert row.loc[("RUS", "IRN", 2021), "bri"] == 1


def test_panel_defaults_to_the_study_countries_the_union_table_and_a_four_year_lead():
    extract = _small_extract()
    frame = gravity_data.panel(extract)
    from analysis.data import reference
    study = reference.study_iso3()
    assert sorted(frame.exporter.unique()) == sorted(study)
    assert len(frame) == len(study) * (len(study) - 1) * 4
    explicit = gravity_data.panel(extract, lead=4, countries=study, members=gravity_data.customs_unions())
    pd.testing.assert_frame_equal(frame, explicit)
    # the lead is four years: KAZ-IRN in 2018 looks at 2022, when the FTA is in force
    row = frame.set_index(["exporter", "importer", "year"])
    assert row.loc[("KAZ", "IRN", 2018), ["fta", "lead_fta"]].tolist() == [0, 1]
    assert row.loc[("KAZ", "RUS", 2018), "eaeu"] == 1
    # RUS leaves the BRI at the end of 2022: four years after 2018 it is in, after 2019 out
    assert row.loc[("KAZ", "RUS", 2018), "lead_bri"] == 1 and row.loc[("KAZ", "RUS", 2019), "lead_bri"] == 0


def test_the_union_table_reads_dates_and_rejects_duplicates(tmp_path):
    table = gravity_data.customs_unions()
    assert list(table.columns[:3]) == ["union", "iso3", "member_from"]
    assert table.member_from.dtype.kind == "M"
    assert set(table.union) <= set(gravity_data.UNIONS)
    path = tmp_path / "unions.csv"
    path.write_text("union,iso3,member_from,wto_rta_id,source,reason\n"
                    "eaeu,KAZ,2015-01-01,909,WTO,\neaeu,RUS,2015-01-01,909,WTO,\neaeu,KAZ,2015-01-01,909,WTO,\n",
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"row 4, field 'iso3': country listed twice for the same union"):
        gravity_data.customs_unions(path)
    path.write_text("union,iso3,member_from,wto_rta_id,source,reason\neaeu,KAZ,2015-01-01,909, ,\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"row 2, field 'source': every membership needs its source"):
        gravity_data.customs_unions(path)
    path.write_text("union,iso3,member_from,wto_rta_id,reason\neaeu,KAZ,2015-01-01,909,\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"field 'source': column missing"):
        gravity_data.customs_unions(path)
    assert gravity_data.reference_date(2019) == pd.Timestamp("2019-07-01")


def test_treatments_name_each_union_and_measure_all_of_them_at_the_shift():
    members = _members([("eu", "DEU", "1958-01-01"), ("eu", "POL", "2004-05-01"),
                        ("customs_union", "KAZ", "2010-01-01"), ("customs_union", "RUS", "2010-01-01"),
                        ("eaeu", "KAZ", "2015-01-01"), ("eaeu", "RUS", "2015-01-01")])
    pairs = _pairs([("DEU", "POL", 2003), ("KAZ", "RUS", 2009), ("KAZ", "RUS", 2014)]).set_axis([10, 20, 30])
    bri = pd.DataFrame({"iso3": ["KAZ", "RUS"], "join_date": ["2013-09-07", "2015-05-08"], "exit_date": ["", ""]})
    now = gravity_data.treatments(pairs, _agreements([]), bri, members)
    assert list(now.index) == [10, 20, 30] and list(now.columns) == list(gravity_data.TREATMENTS)
    assert now.eu.tolist() == [0, 0, 0] and now.customs_union.tolist() == [0, 0, 1]
    assert now.eaeu.tolist() == [0, 0, 0] and now.bri.tolist() == [0, 0, 0]
    ahead = gravity_data.treatments(pairs, _agreements([]), bri, members, shift=1)
    assert ahead.eu.tolist() == [1, 0, 0] and ahead.customs_union.tolist() == [0, 1, 1]
    assert ahead.eaeu.tolist() == [0, 0, 1] and ahead.bri.tolist() == [0, 0, 1]


def test_the_union_table_errors_name_the_file_and_read_empty_cells_as_text(tmp_path):
    path = tmp_path / "unions.csv"
    header = "union,iso3,member_from,wto_rta_id,source,reason\n"
    cases = [("eaeu,KAZ,2015-01-01,909,,\n", "row 2, field 'source': every membership needs its source"),
             ("ecu,KAZ,2015-01-01,909,WTO,\n", "row 2, field 'union': unknown union 'ecu'"),
             ("eaeu,KAZ,2015-13-01,909,WTO,\n", "row 2, field 'member_from': not a date: '2015-13-01'"),
             ("eaeu,KAZ,2015-01-01,909,WTO,\neaeu,KAZ,2016-01-01,,other,\n",
              "row 3, field 'iso3': country listed twice for the same union")]
    for rows, message in cases:
        path.write_text(header + rows, encoding="utf-8")
        with pytest.raises(DataError) as caught:
            gravity_data.customs_unions(path)
        assert str(path) in str(caught.value) and message in str(caught.value), rows
    path.write_text("union,iso3,member_from\neaeu,KAZ,2015-01-01\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        gravity_data.customs_unions(path)
    assert str(path) in str(caught.value) and "field 'source': column missing" in str(caught.value)


def test_treatment_dates_at_their_boundaries_and_as_integer_dummies():
    # membership from exactly 1 July counts, on either side of the pair
    members = _members([("eaeu", "AAA", "2015-01-01"), ("eaeu", "CCC", "2015-07-01")])
    pairs = _pairs([("CCC", "AAA", 2015), ("AAA", "CCC", 2015), ("CCC", "AAA", 2014)])
    union = gravity_data.union_dummy(pairs, members, "eaeu")
    assert union.tolist() == [1, 1, 0] and union.dtype.kind == "i"
    # BRI: joined exactly on 1 July counts, left exactly on 1 July does not; a missing date
    # (empty or NaN) listed first does not shift the others' dates
    bri = pd.DataFrame({"iso3": ["DDD", "EEE", "AAA", "BBB", "CCC"],
                        "join_date": ["", np.nan, "2013-12-01", "2016-07-01", "2014-01-01"],
                        "exit_date": [np.nan, "", "", "", "2018-07-01"]})
    pairs = _pairs([("AAA", "BBB", 2016), ("AAA", "BBB", 2015), ("AAA", "CCC", 2017), ("AAA", "CCC", 2018),
                    ("AAA", "DDD", 2017), ("EEE", "AAA", 2017)])
    bri_dummy = gravity_data.bri_dummy(pairs, bri)
    assert bri_dummy.tolist() == [1, 0, 1, 0, 0, 0] and bri_dummy.dtype.kind == "i"
    # an FTA entering exactly on 1 July is in force that year; one inactive from exactly
    # 1 July is not; a missing inactive date means still in force; a bloc member that joins
    # on the entry date is a party
    agreements = _agreements([(1, "FTA", "2005-07-01", "2008-07-01", "AAA;BBB"),
                              (2, "FTA", "2005-07-01", np.nan, "EEU;DDD")])
    members = _members([("eaeu", "CCC", "2005-07-01"), ("customs_union", "AAA", "2000-01-01"),
                        ("customs_union", "EEE", "2000-01-01"), ("eaeu", "AAA", "2010-01-01"),
                        ("eaeu", "FFF", "2010-01-01")])
    agreements.loc[2] = (3, "FTA", "2001-01-01", "", "AAA;EEE;FFF")
    pairs = _pairs([("AAA", "BBB", 2005), ("AAA", "BBB", 2007), ("AAA", "BBB", 2008), ("CCC", "DDD", 2005),
                    ("DDD", "CCC", 2020), ("AAA", "EEE", 2003), ("AAA", "FFF", 2009), ("AAA", "FFF", 2010)])
    fta = gravity_data.fta_dummy(pairs, agreements, members)
    # AAA-EEE share the customs union (not the last union checked): no FTA; AAA-FFF from the EAEU in 2010
    assert fta.tolist() == [1, 1, 0, 1, 1, 0, 1, 0] and fta.dtype.kind == "i"
    # measured a year ahead, the union that starts then supersedes the FTA
    assert gravity_data.fta_dummy(pairs, agreements, members, shift=1).tolist() == [1, 0, 0, 1, 1, 0, 0, 0]


def test_flows_carry_the_estimate_flag_and_no_extra_columns():
    flows = pd.DataFrame([
        ("AAA", "BBB", "imports", 2000, 10.0, True),    # B -> A: the importer's report, an IMF estimate,
        ("BBB", "AAA", "exports", 2000, 9.0, True),     # and the exporter's mirror is one too
        ("AAA", "CCC", "exports", 2000, 7.0, False),
    ], columns=["reporter", "partner", "flow", "year", "value_usd_m", "estimate"])
    frame = gravity_data.bilateral_flows(flows, ["AAA", "BBB", "CCC"])
    assert list(frame.columns) == ["exporter", "importer", "year", "value_usd_m", "source", "estimate"]
    assert frame.estimate.dtype == bool
    row = frame.set_index(["exporter", "importer"])
    assert bool(row.loc[("BBB", "AAA"), "estimate"]) is True
    assert bool(row.loc[("AAA", "CCC"), "estimate"]) is False
    assert bool(row.loc[("CCC", "BBB"), "estimate"]) is False  # unreported: zero, not an estimate


def test_fits_are_computed_once_from_the_extract_with_a_four_year_lead(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setenv("SILKROAD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr("analysis.data.load.load_extract", lambda: "extract")
    monkeypatch.setattr(gravity_data, "panel", lambda extract, lead: ("panel of", extract, lead))
    monkeypatch.setattr(gravity, "fit_all", lambda panel: calls.append(panel) or {"fitted": panel})
    assert gravity.load_or_fit() == gravity.load_or_fit() == {"fitted": ("panel of", "extract", 4)}
    assert len(calls) == 1
    assert len(list((tmp_path / "gravity").glob("fits-*.pickle"))) == 1
    monkeypatch.setattr(gravity.cache, "content_key", lambda: "another-key")  # new extract or code
    gravity.load_or_fit()
    assert len(calls) == 2
