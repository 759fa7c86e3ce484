"""Build the project's tidy data extract in ``data/`` from the raw mirror.

Run ``python -m analysis.data.extract [--raw DIR] [--out DIR]``. The output is deterministic:
the same raw files give byte-identical CSV files and manifest.

Bilateral trade comes from the IMF's IMTS files when the raw folder holds them (the
refresh client's ``imf-imts/data/``, :mod:`analysis.data.imts_trade`), otherwise from the
DOTS workbooks, by the same rules. No table has a last year written here: each keeps
every year its files hold from its first year on, and the analyses read where the data
stop from the extract (:mod:`analysis.measures.periods`).

Every input's records are accounted for in the manifest: read, kept, and dropped by named
rule, with ``read == kept + dropped`` and the kept records making up the table. The
manifest also records each study country's coverage (cells per series and year) and the
values outside their series' plausibility band.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis.data import accounting, imts_trade, reference, schemas
from analysis.errors import DataError
from analysis.paths import DATA_DIR, RAW_DIR
from analysis.data.readers import agreements, bri, commodities, dots, geo, undesa, undp, worldbank
from analysis.data.readers._common import RowCount

DOTS_DIR = "imf-dots/data/DOTS"
DOTS_WORLD_FILE = 221
# first years only, a choice of the book; the last year is the files' own (no year after it is cut)
TRADE_YEARS = range(1992, sys.maxsize)  # from 1992, the first year the former Soviet states report
WDI_YEARS = range(1990, sys.maxsize)    # from 1990, the first year of the HDI and the migrant stocks
TRADE_SOURCES = {"dots": "imf-dots/", "imts": "imf-imts/"}  # raw folder of each trade source
MIGRATION_BILATERAL = "undesa-migrant-stock/archive/UN_MigrantStockByOriginAndDestination_2019_clean.csv"
MIGRATION_TOTALS = "undesa-migrant-stock/data_raw/undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"
HDR = "undp-hdr/ethanchu-bot_week4/HDR23-24_Composite_indices_complete_time_series.csv"
PINK_SHEET = "commodity-prices/natatsypora_commodity_price_index/CMO-Historical-Data-Monthly.xlsx"
WTO_RTAS = "trade-agreements/mindstxrm_Geopolitiko/AllRTAs.xlsx"
DESTA_DYADS = "trade-agreements/elpepebenitez_trade-dissertation/data/raw_data/pta/desta_list_of_treaties_02_02_dyads.csv"
BRI = "bri-countries/esc1734_BRI-data/23_12_BRI-countries-public.xlsx"
NATURAL_EARTH = "natural-earth-110m/martynafford_natural-earth-geojson/110m/cultural/ne_110m_admin_0_countries.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def estimate_summary(flows: pd.DataFrame) -> pd.DataFrame:
    """Per reporter, flow and year, over all partner countries: how many cells and how
    much value the IMF marks as estimates (the extract keeps only some partners' flows)."""
    flows = flows.assign(estimated_value=flows.value_usd_m.where(flows.estimate, 0.0))
    return (flows.groupby(["reporter", "flow", "year"])
            .agg(cells=("estimate", "size"), estimated_cells=("estimate", "sum"),
                 value_usd_m=("value_usd_m", "sum"), estimated_value_usd_m=("estimated_value", "sum"))
            .reset_index().astype({"cells": "int64", "estimated_cells": "int64"}))


class ExtractBuilder:
    def __init__(self, raw_dir: Path, out_dir: Path, reference_dir: Path = reference.REFERENCE_DIR):
        self.raw_dir = Path(raw_dir)
        self.out_dir = Path(out_dir)
        self.reference_dir = reference_dir
        self.study = reference.study_iso3(reference_dir)
        self.manifest: dict = {"tables": {}, "wdi_choices": [], "notes": [], "plausibility_warnings": []}
        self.tables: dict[str, pd.DataFrame] = {}

    def raw(self, relative: str) -> Path:
        return self.raw_dir / relative

    def inputs(self, paths: list[Path], counts: dict[Path, RowCount]) -> list[dict]:
        entries = []
        for path in paths:
            entry = {"path": path.relative_to(self.raw_dir).as_posix(), "sha256": sha256(path)}
            if path in counts:
                counts[path].require_balanced(path)
                entry["records"] = counts[path].as_dict()
            entries.append(entry)
        return entries

    def build(self) -> dict:
        if not self.raw_dir.is_dir():
            raise DataError(self.raw_dir, "raw data mirror not found (set SILKROAD_RAW_DIR or pass --raw)")
        self.trade_flows()
        self.wdi()
        self.migration()
        self.hdi()
        self.commodity_prices()
        self.trade_agreements()
        self.bri_countries()
        self.country_shapes()
        self.manifest["coverage"] = accounting.encode(accounting.cell_counts(self.tables, self.study))
        (self.out_dir / "manifest.json").write_text(json.dumps(self.manifest, indent=2, ensure_ascii=False) + "\n",
                                                    encoding="utf-8")
        return self.manifest

    def write(self, name: str, frame: pd.DataFrame, inputs: list[Path], counts: dict[Path, RowCount], *,
              origins: pd.DataFrame | None = None, kept_records: int | None = None, sources_entry: str | None = None,
              **extra) -> None:
        """Validate and write one table. ``counts`` accounts for each input's records; the
        kept ones must make up the table (``kept_records``, by default its rows)."""
        source = f"{name} (built from {len(inputs)} raw file(s))"
        schemas.validate(name, frame, source=source, origins=origins)
        kept = sum(count.kept for count in counts.values())
        expected = len(frame) if kept_records is None else kept_records
        if kept != expected:
            raise DataError(source, f"the inputs' kept records ({kept}) do not make up the table ({expected})",
                            field="rows")
        self.manifest["plausibility_warnings"] += [{"table": name, **w}
                                                   for w in schemas.plausibility_warnings(name, frame)]
        path = self.out_dir / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n")
        self.tables[name] = frame
        self.record(name, path, len(frame), inputs, counts, sources_entry=sources_entry, **extra)

    def record(self, name: str, path: Path, rows: int, inputs: list[Path], counts: dict[Path, RowCount],
               sources_entry: str | None = None, **extra) -> None:
        """The table's manifest entry; ``sources_entry`` names its entry in ``sources.json`` when
        that is not the table's own (the IMTS trade tables)."""
        self.manifest["tables"][name] = {
            "file": path.name, "sha256": sha256(path), "rows": rows,
            **reference.sources(self.reference_dir)[sources_entry or name], **extra, "inputs": self.inputs(inputs, counts)}

    def trade_source(self) -> str:
        """"imts" when the raw folder holds the IMTS exports and imports files, "dots" when
        it holds neither; one without the other is an error (a refresh cut short)."""
        present = {path: path.is_file() for path in imts_trade.imts_paths(self.raw_dir)}
        if not any(present.values()):
            return "dots"
        missing = [path for path, found in present.items() if not found]
        if missing:
            raise DataError(missing[0], "IMTS file missing: the extract reads IMTS only with both the exports "
                                        "and the imports files (run the refresh again)")
        return "imts"

    def trade_flows(self) -> None:
        """The two trade tables, from IMTS when its files are present, else from DOTS."""
        if self.trade_source() == "imts":
            self.imts_trade_flows()
        else:
            self.dots_trade_flows()

    def imts_trade_flows(self) -> None:
        tables = imts_trade.trade_tables(self.raw_dir, self.study, TRADE_YEARS, reference_dir=self.reference_dir)
        # the vintage is the day of the latest download SOURCE.txt records ("not recorded" without it)
        vintage = {"vintage": tables.retrieved[:10]} if tables.retrieved else {}
        self.write("trade_flows", tables.flows, tables.paths, tables.flow_counts, origins=tables.origins,
                   sources_entry="trade_flows_imts", **vintage)
        self.write("trade_estimates", tables.estimates, tables.paths, tables.estimate_counts,
                   kept_records=int(tables.estimates.cells.sum()), sources_entry="trade_estimates_imts", **vintage)

    def dots_trade_flows(self) -> None:
        areas = dots.AreaCodes.from_csv(self.reference_dir / "imf_dots_areas.csv")
        study = reference.study_countries(self.reference_dir)
        files = study.imf_dots_file.tolist()
        expected_reporter = dict(zip(study.imf_dots_file, study.iso3)) | {DOTS_WORLD_FILE: reference.WORLD}
        partners = set(self.study) | {reference.WORLD, reference.EUROPEAN_UNION}
        countries = {code for name, code in areas.iso3_by_name.items() if areas.kind_by_name[name] == "country"}
        frames, origins, summaries, paths = [], [], [], []
        flow_counts, estimate_counts = {}, {}
        for number in sorted(files) + [DOTS_WORLD_FILE]:
            path = self.raw(f"{DOTS_DIR}/DOTS_{number}.xlsx")
            report = dots.read_dots_workbook(path, areas, None, TRADE_YEARS)
            if report.reporter != expected_reporter[number]:
                raise DataError(path, f"the reporter is {report.reporter}, but countries.csv gives file {number} "
                                      f"to {expected_reporter[number]}", row=dots.REPORTER_ROW,
                                field=f"B{dots.REPORTER_ROW}")
            world_file = number == DOTS_WORLD_FILE
            wanted = report.flows.partner.isin({reference.WORLD} if world_file else partners)
            frames.append(report.flows[wanted])
            origins.append(report.origins[wanted].assign(file=str(path)))
            flow_counts[path] = report.count.copy()
            flow_counts[path].filter_out("partner other than World" if world_file
                                         else "partner not a study country, World or the EU", int((~wanted).sum()))
            estimate_counts[path] = report.count.copy()
            if world_file:
                estimate_counts[path].filter_out("the world's report, not a study country's", report.count.kept)
            else:
                of_countries = report.flows.partner.isin(countries)
                summaries.append(estimate_summary(report.flows[of_countries]))
                estimate_counts[path].filter_out("partner not a country", int((~of_countries).sum()))
            paths.append(path)
            self.manifest["notes"] += [f"dropped identical duplicate row: {d}" for d in report.dropped_duplicates]
        flows = pd.concat(frames, ignore_index=True)
        origins = pd.concat(origins, ignore_index=True)
        order = flows.sort_values(dots.COLUMNS[:4]).index
        flows = flows.loc[order].reset_index(drop=True)
        self.write("trade_flows", flows, paths, flow_counts, origins=origins.loc[order].reset_index(drop=True))
        summary = pd.concat(summaries, ignore_index=True).sort_values(["reporter", "flow", "year"], ignore_index=True)
        self.write("trade_estimates", summary, paths, estimate_counts, kept_records=int(summary.cells.sum()))

    def wdi(self) -> None:
        candidates = pd.read_csv(self.reference_dir / "wdi_series.csv", dtype=str, keep_default_na=False)
        areas = worldbank.WdiAreas.from_csv(self.reference_dir / "wdi_areas.csv")
        countries = set(self.study) | {reference.WORLD}
        frames, origins, paths, counts = [], [], [], {}
        for indicator, options in candidates.groupby("indicator", sort=True):
            read = []
            for option in options.itertuples():
                path = self.raw(option.path)
                count = RowCount(worldbank.CELL)
                if option.format == "datahub":
                    series = worldbank.read_datahub_csv(path, indicator, countries, areas=areas, count=count)
                else:
                    series = worldbank.read_bulk_csv(path, countries, areas=areas, count=count)
                    wrong = set(series.data.indicator) - {indicator}
                    if wrong:
                        raise DataError(path, f"holds {sorted(wrong)}, registered as {indicator}", field="Indicator Code")
                vintage = series.vintage or option.vintage
                if not vintage:
                    raise DataError(self.reference_dir / "wdi_series.csv", f"no vintage known for {option.path}",
                                    row=option.Index + 2, field="vintage")
                read.append((vintage, option.path, option.unit, series, count))
            vintage, chosen, unit, series, count = max(read, key=lambda r: (r[0], -len(r[1])))
            data = series.data
            in_years = data.year.isin([year for year in data.year.unique() if int(year) in WDI_YEARS])
            frames.append(data[in_years])
            origins.append(series.origins[in_years].assign(file=str(self.raw(chosen))))
            count.filter_out("outside the years", int((~in_years).sum()))
            counts[self.raw(chosen)] = count
            paths.append(self.raw(chosen))
            self.manifest["wdi_choices"].append({
                "indicator": indicator, "unit": unit, "vintage": vintage, "file": chosen,
                "years": f"{data.year.min()}-{data.year.max()}",
                "not_used": [{"file": p, "vintage": v} for v, p, *_ in read if p != chosen]})
        self.write("wdi", pd.concat(frames, ignore_index=True), paths, counts,
                   origins=pd.concat(origins, ignore_index=True))

    def migration(self) -> None:
        countries = reference.study_countries(self.reference_dir)
        path = self.raw(MIGRATION_BILATERAL)
        count = RowCount("destination-origin-year cell")
        bilateral = undesa.read_bilateral_2019(path, dict(zip(countries.undesa_name, countries.iso3)),
                                               known=reference.undesa_2019_names(self.reference_dir), count=count)
        self.write("migrant_stock_bilateral", bilateral, [path], {path: count})
        path = self.raw(MIGRATION_TOTALS)
        count = RowCount("location-year cell")
        totals = undesa.read_totals_2020(path, {reference.iso_numeric(c): c for c in self.study},
                                         known=reference.undesa_m49_kinds(self.reference_dir),
                                         names=dict(zip(countries.iso3, countries.undesa_name)), count=count)
        self.write("migrant_stock_totals", totals, [path], {path: count})

    def hdi(self) -> None:
        path = self.raw(HDR)
        count = RowCount("country-year cell")
        hdi = undp.read_hdr(path, set(self.study), known=reference.known_country_codes(self.reference_dir),
                            count=count)
        self.write("hdi", hdi, [path], {path: count})

    def commodity_prices(self) -> None:
        path = self.raw(PINK_SHEET)
        count = RowCount(commodities.CELL)
        indices = commodities.read_pink_sheet_indices(path, count)
        kept = indices.month >= "1990-01"
        count.filter_out("before 1990", int((~kept).sum()))
        self.write("commodity_price_indices", indices[kept].reset_index(drop=True), [path], {path: count},
                   vintage=commodities.read_pink_sheet_vintage(path))

    def trade_agreements(self) -> None:
        path = self.raw(WTO_RTAS)
        rtas = agreements.read_wto_rtas(path)
        study = set(self.study)
        involves_study = rtas.signatories.str.split(";").map(lambda parties: len(study & set(parties)) >= 1)
        self.write("trade_agreements_wto", rtas[involves_study].reset_index(drop=True), [path],
                   {path: _filtered("agreement", len(rtas), "no study country among the signatories", involves_study)})
        path = self.raw(DESTA_DYADS)
        dyads = agreements.read_desta_dyads(path)
        among_study = dyads.iso3_a.isin(study) & dyads.iso3_b.isin(study)
        self.write("trade_agreements_desta", dyads[among_study].reset_index(drop=True), [path],
                   {path: _filtered("treaty dyad", len(dyads), "not a pair of study countries", among_study)})

    def bri_countries(self) -> None:
        path = self.raw(BRI)
        countries = bri.read_bri_countries(path)
        count = RowCount("country")
        count.keep(len(countries))  # the whole list is kept
        self.write("bri_countries", countries, [path], {path: count})

    def country_shapes(self) -> None:
        path = self.raw(NATURAL_EARTH)
        shapes = geo.read_natural_earth(path, self.study)
        out = self.out_dir / "country_shapes.geojson"
        out.write_text(json.dumps(shapes, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
        count = RowCount("feature")
        count.keep(len(shapes["features"]))
        count.drop("not a study country", len(json.loads(path.read_text(encoding="utf-8"))["features"]) - count.kept)
        self.record("country_shapes", out, len(shapes["features"]), [path], {path: count})


def _filtered(unit: str, read: int, rule: str, kept: pd.Series) -> RowCount:
    """The count of a reader's ``read`` records, of which a filter kept those marked in ``kept``."""
    count = RowCount(unit)
    count.keep(read)
    count.filter_out(rule, int((~kept).sum()))
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=RAW_DIR, help="raw data mirror (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    # build aside, publish only a complete extract
    with tempfile.TemporaryDirectory(dir=args.out, prefix=".extract-") as scratch:
        try:
            manifest = ExtractBuilder(args.raw, Path(scratch)).build()
        except DataError as error:
            print(f"extract: {error}", file=sys.stderr)
            print("extract: nothing was written", file=sys.stderr)
            return 1
        for built in sorted(Path(scratch).iterdir()):
            os.replace(built, args.out / built.name)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"extract: {len(manifest['tables'])} tables, {rows} rows in {args.out} "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
