"""The gravity chapter's panel: bilateral flows among the study countries and the
pair-year treatments, built from the extract and the reference tables.

Flows. One value per exporter, importer and year from
:func:`analysis.measures.mirror.bilateral_trade` with ``prefer='importer'``: the
importer's report (CIF) first, as the gravity literature uses import data, the
exporter's mirror report (FOB) where the importer's is missing or an IMF estimate.
Every ordered pair of distinct study countries appears in every year the bilateral data
cover; a pair-year that neither side reported is a zero (the mirror module's rule),
which Poisson pseudo-maximum likelihood keeps.

Treatments. A pair-year dummy is 1 when the agreement or membership is in force **on
1 July of the year** (so an agreement that enters into force in the first half of a year
counts from that year, one that enters in the second half from the next year):

- ``fta``: the two countries are both parties to a goods free-trade agreement notified
  to the WTO (``type`` FTA or FTA & EIA in ``trade_agreements_wto.csv``) that is in
  force (from ``entry_into_force``, until ``inactive_date`` if any), and they do not
  share a customs union that year (a customs union supersedes the free-trade area).
  A bloc that signs as one party (``EEU``, ``EUU``) stands for its members on the day
  the agreement entered into force.
- ``eu``: both are members of the European Union;
- ``customs_union``: both are members of the Customs Union of Belarus, Kazakhstan and
  Russia (common customs tariff from 1 January 2010);
- ``eaeu``: both are members of the Eurasian Economic Union (from 2015; Armenia and
  Kyrgyzstan from their accession). For the three Customs Union members this dummy
  switches on in addition to ``customs_union``, so its coefficient is the change on
  top of the Customs Union; for pairs with Armenia or Kyrgyzstan it is the whole
  change of joining.
- ``bri``: both have signed a Belt and Road cooperation document
  (``bri_countries.csv`` ``join_date``, until ``exit_date`` if any).

Membership dates of the three unions come from ``data/reference/customs_unions.csv``
(each row with its source and, where the WTO record cannot be used as it stands, the
reason), because the WTO lists a plurilateral agreement's founding record with today's
members and has no record of the 2010 Customs Union.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data import reference
from analysis.errors import DataError
from analysis.measures import mirror
from analysis.paths import DATA_DIR

UNIONS_FILE = DATA_DIR / "reference" / "customs_unions.csv"
UNIONS = ("eu", "customs_union", "eaeu")
TREATMENTS = ("fta", "eu", "customs_union", "eaeu", "bri")
FTA_TYPES = ("FTA", "FTA & EIA")
BLOCS = {"EEU": "eaeu", "EUU": "eu"}
REFERENCE_DAY = (7, 1)  # status on 1 July of each year


def reference_date(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=int(year), month=REFERENCE_DAY[0], day=REFERENCE_DAY[1])


def customs_unions(path: Path = UNIONS_FILE) -> pd.DataFrame:
    """The membership table (union, iso3, member_from as a Timestamp), checked."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("union", "iso3", "member_from", "source"):
        if column not in table.columns:
            raise DataError(path, "column missing", field=column)
    for row, record in enumerate(table.itertuples(index=False), start=2):
        if record.union not in UNIONS:
            raise DataError(path, f"unknown union {record.union!r}; expected one of {list(UNIONS)}",
                            row=row, field="union")
        try:
            pd.Timestamp(record.member_from)
        except ValueError:
            raise DataError(path, f"not a date: {record.member_from!r}", row=row, field="member_from") from None
        if not record.source.strip():
            raise DataError(path, "every membership needs its source", row=row, field="source")
    duplicated = table.duplicated(["union", "iso3"])
    if duplicated.any():
        row = int(np.flatnonzero(duplicated)[0]) + 2
        raise DataError(path, "country listed twice for the same union", row=row, field="iso3")
    return table.assign(member_from=pd.to_datetime(table.member_from))


def _pairs(countries: list[str], years: list[int]) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([countries, countries, years], names=["exporter", "importer", "year"])
    frame = index.to_frame(index=False)
    return frame[frame.exporter != frame.importer].reset_index(drop=True)


def union_dummy(pairs: pd.DataFrame, members: pd.DataFrame, union: str, *, shift: int = 0) -> np.ndarray:
    """1 where both countries of the pair are members of ``union`` on 1 July of year + ``shift``."""
    rows = members.loc[members.union == union]
    since = dict(zip(rows.iso3, rows.member_from))
    day = pd.to_datetime({"year": pairs.year + shift, "month": REFERENCE_DAY[0], "day": REFERENCE_DAY[1]})
    exporter_since = pd.to_datetime(pairs.exporter.map(since))
    importer_since = pd.to_datetime(pairs.importer.map(since))
    return ((exporter_since <= day) & (importer_since <= day)).to_numpy(dtype=int)


def bri_dummy(pairs: pd.DataFrame, bri: pd.DataFrame, *, shift: int = 0) -> np.ndarray:
    """1 where both countries have joined the Belt and Road Initiative (and not left)
    on 1 July of year + ``shift``."""
    def dates(column: str) -> dict:
        text = bri[column].fillna("")
        return dict(zip(bri.iso3[text != ""], pd.to_datetime(text[text != ""])))
    joined, left = dates("join_date"), dates("exit_date")
    day = pd.to_datetime({"year": pairs.year + shift, "month": REFERENCE_DAY[0], "day": REFERENCE_DAY[1]})

    def member(iso3: pd.Series) -> pd.Series:
        start, end = pd.to_datetime(iso3.map(joined)), pd.to_datetime(iso3.map(left))
        return (start <= day) & (end.isna() | (end > day))
    return (member(pairs.exporter) & member(pairs.importer)).to_numpy(dtype=int)


def _bloc_members(members: pd.DataFrame, union: str, day: pd.Timestamp) -> list[str]:
    rows = members[(members.union == union) & (members.member_from <= day)]
    return sorted(rows.iso3)


def fta_dummy(pairs: pd.DataFrame, agreements: pd.DataFrame, members: pd.DataFrame, *,
              shift: int = 0) -> np.ndarray:
    """1 where the pair shares a WTO-notified goods FTA in force on 1 July of year +
    ``shift`` and no customs union (see the module rule)."""
    day = pd.to_datetime({"year": pairs.year + shift, "month": REFERENCE_DAY[0], "day": REFERENCE_DAY[1]})
    covered = np.zeros(len(pairs), dtype=bool)
    chosen = agreements[agreements.type.isin(FTA_TYPES)]
    for record in chosen.itertuples(index=False):
        start = pd.Timestamp(record.entry_into_force)
        inactive = record.inactive_date if isinstance(record.inactive_date, str) else ""
        end = pd.Timestamp(inactive) if inactive else None
        parties = set()
        for code in record.signatories.split(";"):
            parties.update(_bloc_members(members, BLOCS[code], start) if code in BLOCS else [code])
        in_force = (day >= start) if end is None else ((day >= start) & (day < end))
        both = pairs.exporter.isin(parties) & pairs.importer.isin(parties)
        covered |= (both & in_force).to_numpy()
    shared_union = np.zeros(len(pairs), dtype=bool)
    for union in UNIONS:
        shared_union |= union_dummy(pairs, members, union, shift=shift).astype(bool)
    return (covered & ~shared_union).astype(int)


def treatments(pairs: pd.DataFrame, agreements: pd.DataFrame, bri: pd.DataFrame,
               members: pd.DataFrame, *, shift: int = 0) -> pd.DataFrame:
    """Every treatment dummy (columns :data:`TREATMENTS`) for the rows of ``pairs``
    (exporter, importer, year), measured ``shift`` years later (a lead when positive)."""
    return pd.DataFrame({
        "fta": fta_dummy(pairs, agreements, members, shift=shift),
        "eu": union_dummy(pairs, members, "eu", shift=shift),
        "customs_union": union_dummy(pairs, members, "customs_union", shift=shift),
        "eaeu": union_dummy(pairs, members, "eaeu", shift=shift),
        "bri": bri_dummy(pairs, bri, shift=shift),
    }, index=pairs.index)


def bilateral_flows(trade_flows: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Exporter, importer, year, value_usd_m (zeros included) and the side used."""
    years = sorted(trade_flows.year.unique())
    reported = mirror.bilateral_trade(trade_flows, countries, prefer="importer")
    frame = _pairs(countries, years).merge(
        reported[["exporter", "importer", "year", "value_usd_m", "source", "estimate"]],
        on=["exporter", "importer", "year"], how="left")
    frame["value_usd_m"] = frame.value_usd_m.fillna(0.0)
    frame["source"] = frame.source.fillna("none")
    frame["estimate"] = frame.estimate.fillna(False).astype(bool)
    return frame


def panel(extract, *, lead: int = 4, countries: list[str] | None = None,
          members: pd.DataFrame | None = None) -> pd.DataFrame:
    """The estimation panel: flows, identifiers for the fixed effects, the treatments
    and their ``lead``-year leads (columns ``lead_<treatment>``)."""
    countries = countries or reference.study_iso3()
    members = customs_unions() if members is None else members
    frame = bilateral_flows(extract.trade_flows, countries)
    current = treatments(frame, extract.trade_agreements_wto, extract.bri_countries, members)
    ahead = treatments(frame, extract.trade_agreements_wto, extract.bri_countries, members, shift=lead)
    frame = frame.join(current).join(ahead.add_prefix("lead_"))
    frame["pair"] = frame.exporter + "-" + frame.importer
    frame["exporter_year"] = frame.exporter + "-" + frame.year.astype(str)
    frame["importer_year"] = frame.importer + "-" + frame.year.astype(str)
    return frame
