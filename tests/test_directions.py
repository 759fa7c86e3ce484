"""Declared directions of the indicators: the loader's checks and the property that
every replicate of the index uses the declared directions."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from analysis.errors import DataError
from analysis.measures import directions, factor

HEADER = "variable,direction,reason_en,reason_kk,reason_ru\n"


def write(tmp_path, body: str):
    path = tmp_path / "directions.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_book_file_declares_every_characteristic_once():
    from analysis.measures.panel import CHARACTERISTICS
    table = directions.load()
    assert sorted(table.index) == sorted(spec.name for spec in CHARACTERISTICS)
    assert set(table.direction) == {1, -1}
    # the referee's point: more manufactures is more diversified, +1; raw materials -1
    assert table.at["manufactures_exports", "direction"] == 1
    assert table.at["fuel_exports", "direction"] == -1 and table.at["ores_metals_exports", "direction"] == -1
    assert table.at["inflation", "direction"] == -1


def test_unknown_variable_names_file_row_and_field(tmp_path):
    path = write(tmp_path, "growth,1,a,b,c\ngrowht,1,a,b,c\n")
    with pytest.raises(DataError) as error:
        directions.load(path)
    assert error.value.row == 3 and error.value.field == "variable" and str(path) in str(error.value)


@pytest.mark.parametrize("value", ["0", "2", "+2", "", "up", "1.0"])
def test_direction_outside_plus_minus_one(tmp_path, value):
    path = write(tmp_path, f"growth,{value},a,b,c\n")
    with pytest.raises(DataError) as error:
        directions.load(path)
    assert error.value.row == 2 and error.value.field == "direction"


def test_repeated_variable_and_empty_reason(tmp_path):
    with pytest.raises(DataError, match="repeated"):
        directions.load(write(tmp_path, "growth,1,a,b,c\ngrowth,-1,a,b,c\n"))
    with pytest.raises(DataError) as error:
        directions.load(write(tmp_path, "growth,+1,a,,c\n"))
    assert error.value.field == "reason_kk"


def test_undeclared_variable_is_an_error(tmp_path):
    path = write(tmp_path, "growth,1,a,b,c\n")
    assert directions.for_variables(["growth"], path).to_dict() == {"growth": 1}
    with pytest.raises(DataError, match="inflation"):
        directions.for_variables(["growth", "inflation"], path)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), flip=st.lists(st.booleans(), min_size=4, max_size=4))
def test_replicates_use_the_declared_directions(seed, flip):
    """Whatever the data (here: random panels, some columns mirrored so that their
    loadings change sign), each bootstrap replicate's ranks are those of its weights
    applied to the panel oriented by the declared directions."""
    rng = np.random.default_rng(seed)
    countries, years, names = 8, 5, ["a", "b", "c", "d"]
    latent = rng.normal(size=(countries * years, 1))
    data = latent @ rng.uniform(0.5, 1, (1, 4)) + rng.normal(0, 0.7, (countries * years, 4))
    data = np.where(np.array(flip), -data, data)
    index = pd.MultiIndex.from_product([[f"C{i}" for i in range(countries)], range(years)], names=["iso3", "year"])
    frame = pd.DataFrame(data, index=index, columns=names)
    declared = pd.Series([1, -1, 1, -1], index=names)
    normalised = factor.min_max(frame, declared)
    reference = factor.extract((frame - frame.mean()) / frame.std(), 1, max_iter=200).loadings.to_numpy()
    cube = frame.to_numpy().reshape(countries, years, 4)
    boot = factor.cluster_bootstrap(cube, normalised.to_numpy().reshape(countries, years, 4), reference, 5, seed,
                                    names, list(range(countries)), list(range(years)), 200)
    oriented = factor.min_max(frame).to_numpy().copy()
    oriented[:, declared.to_numpy() < 0] = 1 - oriented[:, declared.to_numpy() < 0]
    for b in range(5):
        scores = (oriented @ boot.weights[b]).reshape(countries, years)
        expected = factor.ranks_batch(scores.T).T
        np.testing.assert_array_equal(boot.ranks[b], expected)


def test_every_check_names_the_file_the_row_and_the_field(tmp_path):
    cases = [("growth,1,a,b,c\ngrowth,-1,a,b,c\n", 3, "variable", "variable 'growth' repeated"),
             ("growth,1,a,b,c\ninflation,7,a,b,c\n", 3, "direction", "direction '7' is not +1 or -1"),
             ("growth,1,,b,c\n", 2, "reason_en", "empty reason"),
             ("growth,1,a,b,c\ninflation,-1,a,b, \n", 3, "reason_ru", "empty reason"),
             ("grwth,1,a,b,c\n", 2, "variable", "unknown variable 'grwth'")]
    for body, row, field, message in cases:
        path = write(tmp_path, body)
        with pytest.raises(DataError) as error:
            directions.load(path)
        assert (error.value.file, error.value.row, error.value.field, error.value.message) == (
            str(path), row, field, message), body


def test_missing_column_names_the_file_and_the_column(tmp_path):
    path = tmp_path / "directions.csv"
    path.write_text("variable,direction,reason_en,reason_ru\ngrowth,1,a,c\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        directions.load(path)
    assert (error.value.file, error.value.row, error.value.field) == (str(path), None, "reason_kk")
    assert error.value.message == "missing column(s) ['reason_kk']"
    path.write_text("variable,reason_en\ngrowth,a\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        directions.load(path)
    assert error.value.field == "direction"


def test_directions_are_integers_and_undeclared_names_the_file(tmp_path):
    path = write(tmp_path, "growth, +1 ,a,b,c\ninflation,-1,a,b,c\n")
    table = directions.load(path)
    assert table.direction.dtype.kind == "i" and table.direction.tolist() == [1, -1]
    assert directions.for_variables(["inflation", "growth"], path).tolist() == [-1, 1]
    with pytest.raises(DataError) as error:
        directions.for_variables(["growth", "remittances"], path)
    assert (error.value.file, error.value.field) == (str(path), "variable")
    assert error.value.message == "no direction declared for ['remittances']"


def test_declared_directions_come_as_a_series_named_direction(tmp_path):
    path = write(tmp_path, "growth,1,a,b,c\n")
    assert directions.for_variables(["growth"], path).name == "direction"
