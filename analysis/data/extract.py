"""Build the project's tidy data extract in ``data/`` from the raw mirror.

Run ``python -m analysis.data.extract [--raw DIR] [--out DIR]``. The output is deterministic:
the same raw files give byte-identical CSV files and manifest.
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

from analysis.data import reference, schemas
from analysis.errors import DataError
from analysis.paths import DATA_DIR, RAW_DIR
from analysis.data.readers import agreements, bri, commodities, dots, geo, undesa, undp, worldbank

DOTS_DIR = "imf-dots/data/DOTS"
DOTS_WORLD_FILE = 221
TRADE_YEARS = range(1992, 2021)
WDI_YEARS = range(1990, 2026)
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
        self.manifest: dict = {"tables": {}, "wdi_choices": [], "notes": []}

    def raw(self, relative: str) -> Path:
        return self.raw_dir / relative

    def inputs(self, paths: list[Path]) -> list[dict]:
        return [{"path": p.relative_to(self.raw_dir).as_posix(), "sha256": sha256(p)} for p in paths]

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
        (self.out_dir / "manifest.json").write_text(json.dumps(self.manifest, indent=2, ensure_ascii=False) + "\n",
                                                    encoding="utf-8")
        return self.manifest

    def write(self, name: str, frame: pd.DataFrame, inputs: list[Path], **extra) -> None:
        schemas.validate(name, frame, source=f"{name} (built from {len(inputs)} raw file(s))")
        path = self.out_dir / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n")
        self.record(name, path, len(frame), inputs, **extra)

    def record(self, name: str, path: Path, rows: int, inputs: list[Path], **extra) -> None:
        self.manifest["tables"][name] = {
            "file": path.name, "sha256": sha256(path), "rows": rows,
            **reference.sources(self.reference_dir)[name], **extra, "inputs": self.inputs(inputs)}

    def trade_flows(self) -> None:
        areas = dots.AreaCodes.from_csv(self.reference_dir / "imf_dots_areas.csv")
        files = reference.study_countries(self.reference_dir).imf_dots_file.tolist()
        partners = set(self.study) | {reference.WORLD, reference.EUROPEAN_UNION}
        countries = {code for name, code in areas.iso3_by_name.items() if areas.kind_by_name[name] == "country"}
        frames, summaries, paths = [], [], []
        for number in sorted(files) + [DOTS_WORLD_FILE]:
            path = self.raw(f"{DOTS_DIR}/DOTS_{number}.xlsx")
            report = dots.read_dots_workbook(path, areas, None, TRADE_YEARS)
            wanted = {reference.WORLD} if number == DOTS_WORLD_FILE else partners
            frames.append(report.flows[report.flows.partner.isin(wanted)])
            if number != DOTS_WORLD_FILE:
                summaries.append(estimate_summary(report.flows[report.flows.partner.isin(countries)]))
            paths.append(path)
            self.manifest["notes"] += [f"dropped identical duplicate row: {d}" for d in report.dropped_duplicates]
        flows = pd.concat(frames, ignore_index=True).sort_values(dots.COLUMNS[:4], ignore_index=True)
        self.write("trade_flows", flows, paths)
        summary = pd.concat(summaries, ignore_index=True).sort_values(["reporter", "flow", "year"], ignore_index=True)
        self.write("trade_estimates", summary, paths)

    def wdi(self) -> None:
        candidates = pd.read_csv(self.reference_dir / "wdi_series.csv", dtype=str, keep_default_na=False)
        countries = set(self.study) | {reference.WORLD}
        frames, paths = [], []
        for indicator, options in candidates.groupby("indicator", sort=True):
            read = []
            for option in options.itertuples():
                path = self.raw(option.path)
                if option.format == "datahub":
                    series = worldbank.read_datahub_csv(path, indicator, countries)
                else:
                    series = worldbank.read_bulk_csv(path, countries)
                    wrong = set(series.data.indicator) - {indicator}
                    if wrong:
                        raise DataError(path, f"holds {sorted(wrong)}, registered as {indicator}", field="Indicator Code")
                vintage = series.vintage or option.vintage
                if not vintage:
                    raise DataError(self.reference_dir / "wdi_series.csv", f"no vintage known for {option.path}",
                                    row=option.Index + 2, field="vintage")
                read.append((vintage, option.path, option.unit, series.data))
            vintage, chosen, unit, data = max(read, key=lambda r: (r[0], -len(r[1])))
            frames.append(data[data.year.isin(WDI_YEARS)])
            paths.append(self.raw(chosen))
            self.manifest["wdi_choices"].append({
                "indicator": indicator, "unit": unit, "vintage": vintage, "file": chosen,
                "years": f"{data.year.min()}-{data.year.max()}",
                "not_used": [{"file": p, "vintage": v} for v, p, _, _ in read if p != chosen]})
        self.write("wdi", pd.concat(frames, ignore_index=True), paths)

    def migration(self) -> None:
        countries = reference.study_countries(self.reference_dir)
        path = self.raw(MIGRATION_BILATERAL)
        bilateral = undesa.read_bilateral_2019(path, dict(zip(countries.undesa_name, countries.iso3)))
        self.write("migrant_stock_bilateral", bilateral, [path])
        path = self.raw(MIGRATION_TOTALS)
        totals = undesa.read_totals_2020(path, {reference.iso_numeric(c): c for c in self.study})
        self.write("migrant_stock_totals", totals, [path])

    def hdi(self) -> None:
        path = self.raw(HDR)
        self.write("hdi", undp.read_hdr(path, set(self.study)), [path])

    def commodity_prices(self) -> None:
        path = self.raw(PINK_SHEET)
        indices = commodities.read_pink_sheet_indices(path)
        self.write("commodity_price_indices", indices[indices.month >= "1990-01"].reset_index(drop=True), [path],
                   vintage=commodities.read_pink_sheet_vintage(path))

    def trade_agreements(self) -> None:
        path = self.raw(WTO_RTAS)
        rtas = agreements.read_wto_rtas(path)
        study = set(self.study)
        involves_study = rtas.signatories.str.split(";").map(lambda parties: len(study & set(parties)) >= 1)
        self.write("trade_agreements_wto", rtas[involves_study].reset_index(drop=True), [path])
        path = self.raw(DESTA_DYADS)
        dyads = agreements.read_desta_dyads(path)
        among_study = dyads.iso3_a.isin(study) & dyads.iso3_b.isin(study)
        self.write("trade_agreements_desta", dyads[among_study].reset_index(drop=True), [path])

    def bri_countries(self) -> None:
        path = self.raw(BRI)
        self.write("bri_countries", bri.read_bri_countries(path), [path])

    def country_shapes(self) -> None:
        path = self.raw(NATURAL_EARTH)
        shapes = geo.read_natural_earth(path, self.study)
        out = self.out_dir / "country_shapes.geojson"
        out.write_text(json.dumps(shapes, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
        self.record("country_shapes", out, len(shapes["features"]), [path])


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
