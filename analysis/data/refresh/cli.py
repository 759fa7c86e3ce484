"""Command line: ``python -m analysis.data.refresh [--raw-dir DIR] [--overwrite] {wdi,imts,dots,undesa} ...``.

Files are written in the layout of the shared raw mirror, under a separate folder by
default, so that the extract can be rebuilt from them with ``SILKROAD_RAW_DIR=DIR``.
"""
from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from analysis.errors import DataError
from analysis.paths import RAW_DIR
from analysis.data.refresh import imf, imts, undesa, worldbank
from analysis.data.refresh.transport import new_session

DEFAULT_RAW_DIR = RAW_DIR.parent / "raw-refresh"
DOTS_DIR = Path("imf-dots") / "data" / "DOTS"
BULK_CSV_DIR = Path("worldbank-wdi-api-csv") / "api.worldbank.org"
UNDESA_DIR = Path("undesa-migrant-stock") / "data_raw"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.data.refresh",
        description="Download fresh raw files from the World Bank, IMF and UN DESA services "
                    "in the layout of the raw mirror.",
        epilog="The extract needs every raw file: copy the mirror to a new folder, refresh "
               "into it with --raw-dir, then run: python -m analysis.data.extract --raw FOLDER")
    parser.add_argument("--raw-dir", type=Path, default=DEFAULT_RAW_DIR,
                        help=f"folder to write into (default: {DEFAULT_RAW_DIR})")
    parser.add_argument("--overwrite", action="store_true",
                        help=f"allow writing into the shared mirror {RAW_DIR}")
    commands = parser.add_subparsers(dest="command", required=True)

    wdi = commands.add_parser("wdi", help="World Bank WDI indicators")
    wdi.add_argument("codes", nargs="+", metavar="CODE", help="indicator code, e.g. NY.GDP.MKTP.CD")
    wdi.add_argument("--bulk", action="store_true",
                     help=f"save the bulk API_<CODE>_DS2 CSV into {BULK_CSV_DIR} instead of "
                          f"the long data.csv into {worldbank.DATAHUB_DIR}")

    trade = commands.add_parser(
        "imts", help="IMF International Trade in Goods (IMTS, the successor of DOTS), SDMX-CSV",
        description="One SDMX 3.0 request per indicator, saved unchanged under "
                    f"{imts.DATA_DIR} with its provenance in {imts.SOURCE_FILE}. The request was "
                    "written from the IMF's documented format: check it against the IMF's "
                    "current API documentation.")
    trade.add_argument("indicators", nargs="*", metavar="INDICATOR", type=_imts_indicator,
                       help=f"indicator codes (default: all of {', '.join(imts.INDICATORS)})")
    trade.add_argument("--all-countries", action="store_true",
                       help="ask for every reporter (key '*') instead of the book's countries and "
                            "the world")
    trade.add_argument("--since", type=int, metavar="YEAR",
                       help="ask only for years from YEAR on (filter c[TIME_PERIOD]=ge:YEAR)")

    dots = commands.add_parser("dots", help="IMF Direction of Trade Statistics workbooks "
                                            "(retired service; see imts)")
    dots.add_argument("reporters", nargs="+", metavar="CODE",
                      help=f"IMF area code of a reporter listed in {imf.AREAS_CSV.name}, e.g. KZ")
    dots.add_argument("--start", type=int, default=1960, help="first year (default: 1960)")
    dots.add_argument("--end", type=int, default=datetime.date.today().year,
                      help="last year (default: this year)")

    migrants = commands.add_parser("undesa", help="UN DESA International Migrant Stock file")
    migrants.add_argument("--url", default=undesa.DEFAULT_URL,
                          help="xlsx address (default: the 2020 stock by sex and destination)")
    migrants.add_argument("--sha256", help="expected SHA-256 of the file")
    return parser


def main(argv: list[str] | None = None, *, session: Any = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if _inside_shared_mirror(args.raw_dir) and not args.overwrite:
        parser.error(f"{args.raw_dir} is the shared raw mirror: pass --overwrite to replace "
                     "files there, or choose another --raw-dir")
    session = session or new_session()
    try:
        for path in COMMANDS[args.command](args, session):
            print(path)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _inside_shared_mirror(raw_dir: Path) -> bool:
    mirror, target = RAW_DIR.resolve(), raw_dir.resolve()
    return target == mirror or mirror in target.parents


def _refresh_wdi(args: argparse.Namespace, session: Any) -> list[Path]:
    if not args.bulk:
        return worldbank.refresh_wdi(args.codes, args.raw_dir, session=session)
    return [worldbank.fetch_bulk_csv(code, args.raw_dir / BULK_CSV_DIR, session=session)
            for code in args.codes]


def _refresh_dots(args: argparse.Namespace, session: Any) -> list[Path]:
    areas = imf.load_areas().set_index("code")
    unknown = sorted(set(args.reporters) - set(areas.index))
    if unknown:
        raise DataError(imf.AREAS_CSV, f"unknown reporter codes {unknown}", field="code")
    written = []
    for reporter in args.reporters:
        frame = imf.fetch_dots(reporter, args.start, args.end, session=session)
        out_path = args.raw_dir / DOTS_DIR / f"DOTS_{areas.at[reporter, 'dots_file']}.xlsx"
        written.append(imf.write_dots_workbook(frame, areas.at[reporter, "name"], out_path))
    return written


def _imts_indicator(code: str) -> str:
    # not `choices`: argparse checks a `*` positional's empty default against them
    if code not in imts.INDICATORS:
        raise argparse.ArgumentTypeError(f"invalid choice: {code!r} (choose from "
                                         f"{', '.join(imts.INDICATORS)})")
    return code


def _refresh_imts(args: argparse.Namespace, session: Any) -> list[Path]:
    countries = imts.ALL if args.all_countries else None
    indicators = args.indicators or list(imts.INDICATORS)
    return imts.refresh_imts(indicators, args.raw_dir, session=session, countries=countries,
                             since=args.since)


def _refresh_undesa(args: argparse.Namespace, session: Any) -> list[Path]:
    out_path = args.raw_dir / UNDESA_DIR / Path(urlparse(args.url).path).name
    return [undesa.download(args.url, out_path, session=session, expected_sha256=args.sha256)]


COMMANDS = {"wdi": _refresh_wdi, "imts": _refresh_imts, "dots": _refresh_dots,
            "undesa": _refresh_undesa}
