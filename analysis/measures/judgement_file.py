"""Reading a SWOT judgements file, with one clear message for each thing a reader can get wrong.

A judgements file is a CSV table, one row per pair: ``level`` (a group S, W, O, T, or
``groups`` for the comparisons between the four groups), ``first`` and ``second`` (two
item codes of that group, or two group letters), ``judgement`` (how much more ``first``
matters than ``second`` on Saaty's scale: 1-9 or 1/2-1/9) and a reason in at least one
of ``reason_kk``, ``reason_en``, ``reason_ru``. Commas or semicolons separate the
fields; a byte order mark (as spreadsheet programs write) is accepted.

:func:`read` checks the file on its own (columns, codes, scale, reasons, duplicates);
:func:`check_pairs` checks that it compares exactly the pairs the book ranks, and
:func:`check_consistency` that every matrix passes the consistency limit. Each problem
is a :class:`JudgementError`: a :class:`~analysis.errors.DataError` naming the file,
the row, the field, the value found and what is allowed, in any of the book's languages
(:meth:`JudgementError.text`).
"""
from __future__ import annotations

import csv
import io
import itertools
from functools import cache
from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.measures import ahp as ahp_method
from analysis.paths import DATA_DIR
from analysis.present.i18n import format_number, t

GROUPS = ("S", "W", "O", "T")
GROUP_LEVEL = "groups"
LANGUAGES = ("kk", "en", "ru")
REASONS = tuple(f"reason_{lang}" for lang in LANGUAGES)
REQUIRED = ("level", "first", "second", "judgement")
COLUMNS = REQUIRED + REASONS
SCALE_TEXT = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9")
SEPARATORS = (",", ";")
ITEMS_FILE = DATA_DIR / "reference" / "swot_items.yml"
BOOK_FILE = DATA_DIR / "reference" / "swot_judgements.csv"


class JudgementError(DataError):
    """A bad judgements file: the catalogue entry ``judgements.error.<key>`` with its values,
    the file, the row (as a spreadsheet shows it, the header being row 1) and the field."""

    def __init__(self, file, key: str, *, row: int | None = None, field: str | None = None, **values) -> None:
        self.key = key
        self.values = values  # a number to show in the reader's language is a (value, decimals) pair
        super().__init__(file, self.explanation("en"), row=row, field=field)

    def explanation(self, lang: str) -> str:
        """What was found and what is allowed, in ``lang``, without the place."""
        shown = {name: format_number(value[0], lang, value[1]) if isinstance(value, tuple) else str(value)
                 for name, value in self.values.items()}
        return t(f"judgements.error.{self.key}", lang, **shown)

    def text(self, lang: str) -> str:
        """The whole message in ``lang``: where, then what was found and what is allowed."""
        where = [t("judgements.where.file", lang, file=self.file)]
        if self.row is not None:
            where.append(t("judgements.where.row", lang, row=self.row))
        if self.field is not None:
            where.append(t("judgements.where.field", lang, field=self.field))
        return f"{', '.join(where)}: {self.explanation(lang)}"


@cache
def item_codes() -> dict[str, tuple[str, ...]]:
    """Each group's item codes, in the order of the SWOT table."""
    import yaml

    codes = list(yaml.safe_load(ITEMS_FILE.read_text(encoding="utf-8"))["items"])
    return {group: tuple(code for code in codes if code[0] == group) for group in GROUPS}


def _listing(codes) -> str:
    return ", ".join(codes)


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise JudgementError(path, "no_file") from None
    except IsADirectoryError:
        raise JudgementError(path, "no_file") from None
    except OSError as error:
        raise JudgementError(path, "unreadable", reason=error.strerror or error) from None
    try:
        return raw.decode("utf-8-sig")  # a byte order mark, as Excel writes one, is dropped
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise JudgementError(path, "encoding", row=line) from None


def separator(header: str) -> str:
    """The separator of a file whose first line is ``header``: the one of ``,`` and ``;``
    that splits it into the most fields."""
    return max(SEPARATORS, key=lambda sep: (len(next(csv.reader([header], delimiter=sep))), sep == ","))


def read(path: Path | str) -> pd.DataFrame:
    """The file's judgements, checked row by row: columns ``level, first, second,
    judgement, reason_kk, reason_en, reason_ru`` (missing reason columns empty),
    ``value`` (the judgement as a number) and ``line`` (its row in the file)."""
    path = Path(path)
    text = _decode(path)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise JudgementError(path, "empty", columns=_listing(COLUMNS))
    sep = separator(lines[0])
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    header = [name.strip() for name in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise JudgementError(path, "missing_columns", row=1, columns=_listing(missing), found=_listing(header),
                             allowed=_listing(COLUMNS))
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise JudgementError(path, "unknown_column", row=1, field=unknown[0], value=unknown[0],
                             allowed=_listing(COLUMNS))
    repeated = [name for name in header if header.count(name) > 1]
    if repeated:
        raise JudgementError(path, "repeated_column", row=1, field=repeated[0], value=repeated[0])
    if not any(name in header for name in REASONS):
        raise JudgementError(path, "no_reason_column", row=1, allowed=_listing(REASONS))
    records, seen = [], {}
    codes = item_codes()
    for line, fields in zip(itertools.count(2), rows[1:]):
        if not any(field.strip() for field in fields):
            continue  # blank lines, as spreadsheets leave at the end
        if len(fields) != len(header):
            raise JudgementError(path, "field_count", row=line, found=len(fields), expected=len(header),
                                 separator=sep)
        record = {name: value.strip() for name, value in zip(header, fields)}
        level = record["level"]
        if level not in GROUPS + (GROUP_LEVEL,):
            raise JudgementError(path, "level", row=line, field="level", value=level,
                                 allowed=_listing(GROUPS + (GROUP_LEVEL,)))
        members = GROUPS if level == GROUP_LEVEL else codes[level]
        for field in ("first", "second"):
            code = record[field]
            if code in members:
                continue
            if level == GROUP_LEVEL:
                raise JudgementError(path, "not_a_group", row=line, field=field, value=code,
                                     allowed=_listing(GROUPS))
            owner = next((group for group, group_codes in codes.items() if code in group_codes), None)
            if owner is not None:
                raise JudgementError(path, "other_group", row=line, field=field, value=code, group=owner,
                                     level=level, allowed=_listing(members))
            raise JudgementError(path, "unknown_item", row=line, field=field, value=code, level=level,
                                 allowed=f"{members[0]}–{members[-1]}")
        if record["first"] == record["second"]:
            raise JudgementError(path, "same_item", row=line, field="second", value=record["second"])
        judgement = record["judgement"].replace(" ", "")
        if judgement not in SCALE_TEXT:
            raise JudgementError(path, "scale", row=line, field="judgement", value=record["judgement"] or "—")
        if not any(record.get(name, "") for name in REASONS):
            raise JudgementError(path, "no_reason", row=line, field=_listing(name for name in REASONS if name in header),
                                 allowed=_listing(REASONS))
        pair = (level, frozenset((record["first"], record["second"])))
        if pair in seen:
            raise JudgementError(path, "duplicate", row=line, field="first",
                                 value=f"{record['first']}–{record['second']}", level=level, earlier=seen[pair])
        seen[pair] = line
        records.append({**{name: record.get(name, "") for name in COLUMNS}, "judgement": judgement,
                        "value": float(ahp_method.parse_judgement(judgement)), "line": line})
    if not records:
        raise JudgementError(path, "no_rows", columns=_listing(COLUMNS))
    return pd.DataFrame(records, columns=list(COLUMNS) + ["value", "line"])


@cache
def book_pairs() -> dict[str, tuple[str, ...]]:
    """The items the book ranks in each level: those its own file compares. (A test keeps
    that file equal to the selection rule's output, so these are the rule's items.)"""
    frame = pd.read_csv(BOOK_FILE, dtype=str, keep_default_na=False)
    order = {code: index for index, code in enumerate(itertools.chain(GROUPS, *item_codes().values()))}
    return {level: tuple(sorted(set(rows["first"]) | set(rows["second"]), key=order.get))
            for level, rows in frame.groupby("level")}


def check_pairs(frame: pd.DataFrame, path: Path | str, ranked: dict[str, tuple[str, ...]] | None = None) -> None:
    """Every level compares exactly the items ``ranked`` (by default the book's), each pair once."""
    ranked = ranked or book_pairs()
    for row in frame.itertuples():
        for field in ("first", "second"):
            code = getattr(row, field)
            if code not in ranked.get(row.level, ()):
                raise JudgementError(path, "not_ranked", row=row.line, field=field, value=code, level=row.level,
                                     allowed=_listing(ranked.get(row.level, ())))
    for level, members in ranked.items():
        judged = {frozenset((a, b)) for a, b in zip(frame["first"][frame.level == level],
                                                   frame["second"][frame.level == level])}
        for a, b in itertools.combinations(members, 2):
            if frozenset((a, b)) not in judged:
                raise JudgementError(path, "missing_pair", field="first, second", value=f"{a}–{b}", level=level,
                                     allowed=_listing(members))


def check_consistency(frame: pd.DataFrame, path: Path | str, limit: float = ahp_method.CONSISTENCY_LIMIT) -> pd.Series:
    """Each level's consistency ratio; a ratio above ``limit`` is an error naming the
    judgement to revisit (the one that departs most from the ratio of the priorities)."""
    ratios = {}
    for level, rows in frame.groupby("level", sort=False):
        members = sorted(set(rows["first"]) | set(rows["second"]))
        matrix = ahp_method.judgement_matrix(members, dict(zip(zip(rows["first"], rows["second"]), rows.value)))
        result = ahp_method.ahp(matrix)
        ratios[level] = result.consistency_ratio
        if result.consistency_ratio > limit:
            first, second, _ = ahp_method.most_inconsistent_pair(matrix, result.priorities)
            a, b = members[first], members[second]
            row = rows[rows["first"].isin((a, b)) & rows["second"].isin((a, b))].iloc[0]
            ratio = result.priorities[members.index(row["first"])] / result.priorities[members.index(row["second"])]
            raise JudgementError(path, "inconsistent", row=int(row.line), field="judgement", value=row.judgement,
                                 level=level, ratio=(result.consistency_ratio, 3), limit=(limit, 2),
                                 pair=f"{row['first']} : {row['second']}", implied=(ratio, 2))
    return pd.Series(ratios)


def read_checked(path: Path | str, ranked: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """:func:`read`, then :func:`check_pairs` and :func:`check_consistency`."""
    frame = read(path)
    check_pairs(frame, path, ranked)
    check_consistency(frame, path)
    return frame
