"""The credit committee's pack, rendered: one plain data structure, two files.

`Pack` holds what the committee reads (built elsewhere, by the views): the cover's headline
figures and tables, one `PackItem` per agenda position, and the minutes. Two renderers turn it
into bytes:

- `render_pdf`: A4 landscape through WeasyPrint (HTML + CSS). A cover page, then one page per
  agenda item (each starts a new page; a long table continues on the next), then a minutes page
  when there are minutes. Every page has a footer with the pack's title and "page N of M"
  (CSS @page counters). Text is set in "Noto Sans CJK SC" (Debian fonts-noto-cjk; WeasyPrint
  embeds the subset it uses), so Chinese customer names print and extract as text. Charts are
  Vega-Lite specs rendered to SVG by vl-convert (no browser) and inlined; their text is at
  least 12 px as printed. Every text from the data is HTML-escaped.
- `render_xlsx`: xlsxwriter. Sheets "Cover", "Agenda", one per headline table and per item
  table, and "Minutes" when there are minutes; numbers stay numbers (with number formats),
  text is never turned into a formula or a link.

`table_cells` gives the human headers and formatted cells of a `PackTable`; it is what the PDF
prints, and pages may use it too. Numbers are formatted by `analytics.formats` (babel).

A table's columns say their unit by their name (house rule 6): `*_amt` an amount in the
pack's currency, `*_pct` a value already in percent, `*_days` (or `days_*`) a number of days;
other integer columns are counts; dates, datetimes, booleans and text are told by their type.
"""

from __future__ import annotations

import copy
import functools
import html
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import polars as pl
from babel.numbers import format_decimal

from analytics import labels as catalogue
from analytics.data.export import SheetNames, write_cell
from analytics.formats import fmt_amount, fmt_date, fmt_int, fmt_number, fmt_pct
from analytics.i18n import _, current

__all__ = ["Pack", "PackItem", "PackTable", "render_pdf", "render_xlsx", "table_cells"]

MISSING = "—"
FONT_FAMILY = "Noto Sans CJK SC"
MIN_CHART_FONT_PX = 12
# Room for a chart (CSS px, 96 per inch; the page inside its margins is 269 x 183 mm, about
# 1015 x 690 px): the whole width under the cover's tiles, or the right half of a page (an
# item's chart sits under its proposal; the cover's beside its tables when they are narrow).
CHART_FULL_WIDTH_PX = 1000
CHART_HALF_WIDTH_PX = 480
CHART_MAX_HEIGHT_PX = 240
COVER_CHART_MAX_HEIGHT_PX = 380
HALF_PAGE_MM = 125  # a table estimated narrower than this leaves the cover's right half to its chart
XLSX_MAX_COLUMN_WIDTH = 60


@dataclass(frozen=True)
class PackTable:
    """A titled table of the pack.

    `frame`'s column names are machine names that carry their unit (`exposure_amt`, `pd_pct`,
    `days_past_due`, counts as integers, text, dates); `labels` maps a machine name to its
    human header. A column without a label is headed by its name with underscores as spaces
    and the unit suffix replaced by the unit (`exposure_amt` -> "Exposure (CNY)").
    """

    title: str
    frame: pl.DataFrame
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PackItem:
    """One position of the agenda: a customer's application or review, on its own page.

    `facts` is the customer's one-page picture and `proposal` the requested values,
    recommendation and conditions, both as (label, already formatted text) pairs. `chart` is
    a Vega-Lite spec (e.g. an altair `Chart.to_dict()`), drawn under the proposal in a box of
    480 x 240 px: a single or layered view without a width or height of its own fills it (and
    renders fastest); `outcome` is the decision and votes once decided, else None (shown under
    the title).
    """

    position: int
    title: str
    kind_label: str
    customer_id: str | None
    customer_name: str | None
    facts: tuple[tuple[str, str], ...]
    proposal: tuple[tuple[str, str], ...]
    tables: tuple[PackTable, ...] = ()
    chart: dict | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class Pack:
    """The committee's pack for one meeting (or an ad-hoc one: `meeting_on` None).

    `as_of` is the data date, `currency` the currency of every `*_amt` column, `headline` the
    portfolio's headline figures as (label, already formatted value) pairs, shown as tiles on
    the cover with `headline_tables` and `cover_chart` (beside narrow tables, else below them;
    at most 1000 x 380 px). `minutes` are the lines of the minutes; empty means no minutes page.
    """

    title: str
    meeting_on: date | None
    as_of: date
    generated_at: datetime
    currency: str
    headline: tuple[tuple[str, str], ...]
    headline_tables: tuple[PackTable, ...] = ()
    cover_chart: dict | None = None
    items: tuple[PackItem, ...] = ()
    minutes: tuple[str, ...] = ()


# --- columns: kinds, headers, cells ----------------------------------------------------------

UNIT_SUFFIXES = {"_amt": "amt", "_pct": "pct", "_days": "days"}
NUMERIC_KINDS = frozenset({"amt", "pct", "days", "int", "float"})


def column_kind(name: str, dtype: pl.DataType) -> str:
    """What a column holds: 'amt', 'pct', 'days', 'int' (a count), 'float', 'date',
    'datetime', 'bool' or 'text'. The unit suffix decides for numeric columns; a column whose
    name says a unit but whose values are not numbers is text."""
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Boolean:
        return "bool"
    if not dtype.is_numeric():
        return "text"
    for suffix, kind in UNIT_SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    if name.startswith("days_"):
        return "days"
    return "int" if dtype.is_integer() else "float"


def column_header(name: str, labels: dict[str, str], currency: str) -> str:
    """The human header of a column: its label, else the label catalogue's words for it
    (analytics.labels, in the current language), else its name in words with its unit."""
    if name in labels:
        return labels[name]
    if catalogue.known(name):
        return catalogue.label(name, currency)
    unit = ""
    for suffix, kind in UNIT_SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            unit = {"amt": currency, "pct": "%", "days": _("days")}[kind]
            break
    words = name.replace("_", " ").strip()
    words = words[:1].upper() + words[1:]
    return f"{words} ({unit})" if unit else words


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet (and half-ems in print): CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, Decimal):
        return not value.is_finite()
    return False


def format_cell(value: object, kind: str) -> str:
    """One cell as the pack prints it: amounts with thousands separators and no decimals,
    percents with one decimal and ' %', days and counts as integers with separators, dates
    in the locale's form; missing (None, NaN, infinite) as '—'."""
    if _is_missing(value):
        return MISSING
    if kind == "amt":
        return fmt_amount(float(value), "", compact=False)
    if kind == "pct":
        return fmt_pct(float(value), 1)
    if kind in ("days", "int"):
        return fmt_int(int(round(value)))
    if kind == "float":  # a number without a unit (a score, a ratio): up to two decimals
        return fmt_number(value, 2)
    if kind == "date":
        return fmt_date(value)
    if kind == "datetime":
        return f"{fmt_date(value)} {value.strftime('%H:%M')}"
    if kind == "bool":
        return _("yes") if value else _("no")
    return str(value)


def table_cells(table: PackTable, currency: str) -> tuple[list[str], list[list[str]]]:
    """The human headers and the formatted cells (one list per row) of a pack table."""
    names = table.frame.columns
    kinds = [column_kind(n, t) for n, t in table.frame.schema.items()]
    headers = [column_header(n, table.labels, currency) for n in names]
    rows = [[format_cell(v, k) for v, k in zip(row, kinds)] for row in table.frame.iter_rows()]
    return headers, rows


# --- charts ----------------------------------------------------------------------------------

FONT_SIZE_KEYS = frozenset({"fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize"})
CONFIG_FONT_SIZES = {
    "axis": ("labelFontSize", "titleFontSize"),
    "legend": ("labelFontSize", "titleFontSize"),
    "header": ("labelFontSize", "titleFontSize"),
    "title": ("fontSize", "subtitleFontSize"),
    "mark": ("fontSize",),
    "text": ("fontSize",),
}
VEGA_DEFAULT_FONT_PX = {("title", "fontSize"): 13}  # the others are 10-12 px


def _raise_font_sizes(node: object, minimum: float) -> None:
    """Every explicit font size of a spec (in config, encodings, marks) raised to `minimum`;
    inline data is left alone."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("data", "datasets", "values"):
                continue
            if key in FONT_SIZE_KEYS and isinstance(value, (int, float)) and not isinstance(value, bool):
                node[key] = max(value, minimum)
            else:
                _raise_font_sizes(value, minimum)
    elif isinstance(node, list):
        for value in node:
            _raise_font_sizes(value, minimum)


def chart_spec(spec: dict, min_font_px: float = MIN_CHART_FONT_PX) -> dict:
    """A copy of a Vega-Lite spec set for the pack: the pack's font, and every text at least
    `min_font_px` (Vega's defaults are 10-11 px)."""
    out = copy.deepcopy(spec)
    _raise_font_sizes(out, min_font_px)
    config = out.setdefault("config", {})
    config.setdefault("font", FONT_FAMILY)
    for group, keys in CONFIG_FONT_SIZES.items():
        settings = config.setdefault(group, {})
        for key in keys:
            current = settings.get(key, VEGA_DEFAULT_FONT_PX.get((group, key), 0))
            if not isinstance(current, (int, float)) or current < min_font_px:
                settings[key] = min_font_px
    return out


SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)


def _svg_size(svg: str) -> tuple[float, float]:
    tag = SVG_OPEN.search(svg)
    width = re.search(r'\swidth="([\d.]+)', tag.group(0)) if tag else None
    height = re.search(r'\sheight="([\d.]+)', tag.group(0)) if tag else None
    if not (width and height):
        raise ValueError("the chart's SVG states no width and height")
    return float(width.group(1)), float(height.group(1))


COMPOUND_KEYS = frozenset({"facet", "repeat", "concat", "hconcat", "vconcat"})


def _is_single_view(spec: dict) -> bool:
    """A single or layered view, whose overall size Vega-Lite can fit to a box."""
    if COMPOUND_KEYS & spec.keys() or not ({"mark", "layer"} & spec.keys()):
        return False
    return not ({"row", "column", "facet"} & (spec.get("encoding") or {}).keys())


def chart_svg(spec: dict, max_width_px: float = CHART_FULL_WIDTH_PX,
              max_height_px: float = CHART_MAX_HEIGHT_PX) -> str:
    """A Vega-Lite spec as inline SVG (vl-convert, no browser) that fits the box given.

    A single or layered view that sets no width or height of its own takes the whole box; one
    that is too big is laid out again by Vega-Lite to fit it (autosize "fit"); anything still
    too big (a facet, a concatenation) is scaled down, with its fonts enlarged first so that
    printed text stays at least 12 px. External data is not fetched. The last SVGs made are
    kept (by spec and box): rendering a pack again re-uses its charts.
    """
    return _chart_svg(json.dumps(spec, sort_keys=True, default=str), float(max_width_px), float(max_height_px))


@functools.lru_cache(maxsize=128)
def _chart_svg(spec_json: str, max_width_px: float, max_height_px: float) -> str:
    import vl_convert

    spec = json.loads(spec_json)

    def render(prepared: dict) -> tuple[str, float, float, float]:
        svg = vl_convert.vegalite_to_svg(prepared, allowed_base_urls=[])
        width, height = _svg_size(svg)
        return svg, width, height, min(1.0, max_width_px / width, max_height_px / height)

    def fitted(box_width: float, box_height: float) -> dict:  # Vega-Lite lays it out in the box itself
        out = chart_spec(spec)
        out.update(width=box_width, height=box_height, autosize={"type": "fit", "contains": "padding"})
        return out

    single = _is_single_view(spec)
    if single and "width" not in spec and "height" not in spec:  # no size of its own: it takes the box
        svg, width, height, scale = render(fitted(max_width_px, max_height_px))
    else:
        svg, width, height, scale = render(chart_spec(spec))
        if scale < 1 and single:
            svg, width, height, scale = render(fitted(min(width, max_width_px), min(height, max_height_px)))
    font = float(MIN_CHART_FONT_PX)
    for _attempt in range(3):  # still too big: scaled down, with fonts enlarged to make up for it
        if font * scale >= MIN_CHART_FONT_PX - 1e-6:
            break
        font = math.ceil(MIN_CHART_FONT_PX / scale * 1.05 * 10) / 10
        svg, width, height, scale = render(chart_spec(spec, font))
    if font * scale < MIN_CHART_FONT_PX - 1e-6:
        raise ValueError(f"the chart does not fit {max_width_px:g} x {max_height_px:g} px with text of "
                         f"{MIN_CHART_FONT_PX} px: make it smaller")
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    tag = SVG_OPEN.search(svg).group(0)
    sized = re.sub(r'\swidth="[^"]*"', f' width="{width * scale:.1f}"', tag, count=1)
    sized = re.sub(r'\sheight="[^"]*"', f' height="{height * scale:.1f}"', sized, count=1)
    if "viewBox" not in sized:
        sized = sized[:-1] + f' viewBox="0 0 {width:g} {height:g}">'
    return svg.replace(tag, sized, 1)


# --- PDF -------------------------------------------------------------------------------------

def _footer_content() -> str:
    """The CSS content of the page footer, 'page N of M' in the current language."""
    text = _("page {page} of {pages}")
    out = []
    for piece in re.split(r"(\{page\}|\{pages\})", text):
        if piece == "{page}":
            out.append("counter(page)")
        elif piece == "{pages}":
            out.append("counter(pages)")
        elif piece:
            out.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)


def pdf_css() -> str:
    """The pack's style sheet (its footer in the current language)."""
    return PDF_CSS.replace("/*FOOTER*/", _footer_content())


PDF_CSS = f"""
@page {{
  size: A4 landscape;
  margin: 12mm 14mm 15mm 14mm;
  @bottom-left {{ content: string(pack-title); font-size: 8.5pt; color: #555; }}
  @bottom-right {{ content: /*FOOTER*/; font-size: 8.5pt; color: #555; }}
}}
html {{ font-family: "{FONT_FAMILY}", sans-serif; font-size: 10pt; color: #1b1f24; line-height: 1.3; }}
body {{ margin: 0; }}
h1 {{ font-size: 22pt; margin: 0 0 1.5mm; }}
h1.pack-title {{ string-set: pack-title content(); }}
h2 {{ font-size: 17pt; margin: 0 0 1mm; }}
h3 {{ font-size: 11pt; margin: 4mm 0 1.5mm; color: #2c4a6b; }}
.kind {{ color: #444; font-size: 10.5pt; margin-bottom: 3mm; }}
.meta {{ color: #333; margin: 0 0 5mm; }}
.meta span {{ margin-right: 8mm; }}
.meta b {{ font-weight: bold; }}
section.item, section.minutes {{ break-before: page; }}
.tiles {{ display: grid; grid-template-columns: 1fr 1fr 1fr 1fr; gap: 4mm; margin-bottom: 5mm; }}
.tile {{ border: 0.3mm solid #c5ced8; border-radius: 1.5mm; background: #f3f6f9; padding: 2.5mm 4mm;
        break-inside: avoid; }}
.tile .value {{ font-size: 18pt; font-weight: bold; color: #12355b; }}
.tile .label {{ font-size: 9.5pt; color: #444; }}
.halves {{ display: flex; justify-content: space-between; align-items: flex-start; }}
.halves > div {{ width: 48.5%; }}
table.pairs {{ border-collapse: collapse; width: 100%; table-layout: fixed; border-top: 0.3mm solid #c5ced8; }}
table.pairs td {{ padding: 0.7mm 2mm; border-bottom: 0.2mm solid #dfe4ea; overflow-wrap: break-word;
                  vertical-align: top; }}
table.pairs td.label {{ width: 45%; color: #444; }}
table.pairs td.value {{ font-weight: bold; }}
table.pairs tr {{ break-inside: avoid; }}
table.data {{ border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 9pt; margin-bottom: 3mm; }}
table.data caption {{ caption-side: top; text-align: left; font-weight: bold; font-size: 10.5pt;
                      color: #2c4a6b; padding: 2mm 0 1mm; }}
table.data th {{ text-align: left; background: #e9eef4; border-bottom: 0.4mm solid #4a5a6a;
                 padding: 1mm 2mm; font-weight: bold; }}
table.data td {{ padding: 0.7mm 2mm; border-bottom: 0.2mm solid #dfe4ea; overflow-wrap: break-word;
                 vertical-align: top; }}
table.data .num {{ text-align: right; }}
table.data td.num, table.data td.nowrap {{ white-space: nowrap; }}
table.data.dense {{ font-size: 7pt; }}
table.data.dense th, table.data.dense td.num, table.data.dense td.nowrap {{ white-space: normal;
                                                                          overflow-wrap: anywhere; }}
table.data tr {{ break-inside: avoid; }}
.chart {{ margin-top: 3mm; break-inside: avoid; }}
.outcome {{ margin: 0 0 2mm; border-left: 1.2mm solid #2f6f4f; background: #edf6f0; padding: 2mm 4mm;
            break-inside: avoid; }}
.outcome .label {{ font-weight: bold; color: #2f6f4f; }}
.minutes p {{ margin: 0 0 1.5mm; }}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _pairs_html(pairs: Iterable[tuple[str, str]]) -> str:
    rows = "".join(f'<tr><td class="label">{_e(label)}</td><td class="value">{_e(value)}</td></tr>'
                   for label, value in pairs)
    return f'<table class="pairs">{rows}</table>' if rows else ""


CHAR_MM = 1.75  # a half-em at 9 pt, about the width of a digit or an average Latin letter
HEADER_CHAR_MM = 1.9  # bold
CELL_PADDING_MM = 4.0
TEXT_COLUMN_MAX_MM = 80.0
PAGE_WIDTH_MM = 269.0  # A4 landscape inside the margins
NOWRAP_KINDS = NUMERIC_KINDS | {"date", "datetime", "bool"}


WIDE_CHAR = re.compile(r"[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3"
                       r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _longest_unbreakable(text: str) -> int:
    """The display width of the longest piece a line cannot break: a word, or one CJK
    character (CJK text breaks between any two characters)."""
    return max((display_width(piece) for piece in WIDE_CHAR.sub(lambda m: f" {m.group(0)} ", text).split()),
               default=0)


@dataclass(frozen=True)
class ColumnWidth:
    """A column's printed widths (mm): its header on one line, its header wrapped, its body
    as wide as its widest cell (text capped), and its body as narrow as it can be."""

    head_full: float
    head_min: float
    body_full: float
    body_min: float


def column_widths_mm(headers: Sequence[str], rows: Sequence[Sequence[str]],
                     kinds: Sequence[str]) -> list[ColumnWidth]:
    """Each column's widths: numbers, dates and yes/no never wrap; headers and texts wrap
    between words (and between CJK characters)."""
    out = []
    for col, (header, kind) in enumerate(zip(headers, kinds)):
        cells = [row[col] for row in rows]
        full = max((display_width(c) for c in cells), default=0) * CHAR_MM + CELL_PADDING_MM
        if kind in NOWRAP_KINDS:
            narrow = full
        else:
            full = min(full, TEXT_COLUMN_MAX_MM)
            narrow = min(max((_longest_unbreakable(c) for c in cells), default=0) * CHAR_MM + CELL_PADDING_MM, full)
        out.append(ColumnWidth(head_full=display_width(header) * HEADER_CHAR_MM + CELL_PADDING_MM,
                               head_min=_longest_unbreakable(header) * HEADER_CHAR_MM + CELL_PADDING_MM,
                               body_full=full, body_min=narrow))
    return out


def column_shares(widths: Sequence[ColumnWidth], available_mm: float = PAGE_WIDTH_MM) -> list[float]:
    """Column widths in percent of the table. Every column starts as narrow as it can be; the
    room left goes first to the bodies (a wrapped cell costs a line on every row), then to the
    headers (a wrapped header costs one line), each time in proportion to what a column lacks;
    a table that is narrower than the page is spread in proportion to its natural widths."""
    chosen = [max(w.head_min, w.body_min) for w in widths]
    room = available_mm - sum(chosen)
    for target in ([max(w.head_min, w.body_full) for w in widths],
                   [max(w.head_full, w.body_full) for w in widths]):
        lack = [max(t - c, 0.0) for t, c in zip(target, chosen)]
        if room <= 0 or not sum(lack):
            continue
        give = min(1.0, room / sum(lack))
        chosen = [c + give * l for c, l in zip(chosen, lack)]
        room -= give * sum(lack)
    total = sum(chosen) or 1.0
    return [100 * w / total for w in chosen]


def table_html(table: PackTable, currency: str) -> str:
    """A pack table as an HTML table: column widths from its content, numbers right-aligned,
    the header repeated when it continues on a new page."""
    headers, rows = table_cells(table, currency)
    kinds = [column_kind(n, t) for n, t in table.frame.schema.items()]
    widths = column_widths_mm(headers, rows, kinds)
    # more columns than the page can hold unwrapped: smaller type, and numbers may wrap too
    dense = sum(max(w.head_min, w.body_min) for w in widths) > PAGE_WIDTH_MM
    cols = "".join(f'<col style="width: {share:.2f}%">' for share in column_shares(widths))
    cls = [' class="num"' if k in NUMERIC_KINDS else ' class="nowrap"' if k in NOWRAP_KINDS else "" for k in kinds]
    head = "".join(f"<th{c}>{_e(h)}</th>" for h, c in zip(headers, cls))
    body = "".join("<tr>" + "".join(f"<td{c}>{_e(v)}</td>" for v, c in zip(row, cls)) + "</tr>"
                   for row in rows)
    if not rows:
        no_rows = _e(_("no rows"))
        body = f'<tr><td colspan="{max(len(headers), 1)}">{no_rows}</td></tr>'
    return (f'<table class="data{" dense" if dense else ""}"><caption>{_e(table.title)}</caption>'
            f"<colgroup>{cols}</colgroup>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _chart_html(spec: dict | None, where: str, max_width_px: float, max_height_px: float) -> str:
    if spec is None:
        return ""
    try:
        svg = chart_svg(spec, max_width_px, max_height_px)
    except Exception as exc:  # vl-convert reports a bad spec as a bare ValueError
        raise ValueError(_("the chart of {where} could not be rendered: {error}").format(where=where, error=exc)) from exc
    return f'<div class="chart">{svg}</div>'


def _when(moment: datetime) -> str:
    """A moment in the locale's date form with its time (and time zone when it has one)."""
    text = f"{fmt_date(moment)} {moment.strftime('%H:%M')}"
    return f"{text} {moment.tzname()}" if moment.tzinfo else text


def estimated_width_mm(table: PackTable, currency: str) -> float:
    """A rough natural printed width of a table (9 pt text)."""
    headers, rows = table_cells(table, currency)
    kinds = [column_kind(n, t) for n, t in table.frame.schema.items()]
    return sum(max(w.head_full, w.body_full) for w in column_widths_mm(headers, rows, kinds))


def _cover_html(pack: Pack) -> str:
    meeting = fmt_date(pack.meeting_on) if pack.meeting_on else MISSING
    meta = "".join(f"<span><b>{_e(label)}</b> {_e(value)}</span>" for label, value in (
        (_("Meeting:"), meeting), (_("Data as of:"), fmt_date(pack.as_of)),
        (_("Generated:"), _when(pack.generated_at)), (_("Currency:"), pack.currency)))
    tiles = "".join(f'<div class="tile"><div class="value">{_e(value)}</div><div class="label">{_e(label)}</div></div>'
                    for label, value in pack.headline)
    tables = "".join(table_html(t, pack.currency) for t in pack.headline_tables)
    side_by_side = bool(tables) and pack.cover_chart is not None and all(
        estimated_width_mm(t, pack.currency) <= HALF_PAGE_MM for t in pack.headline_tables)
    chart = _chart_html(pack.cover_chart, "the cover", CHART_HALF_WIDTH_PX if side_by_side else CHART_FULL_WIDTH_PX,
                        COVER_CHART_MAX_HEIGHT_PX)
    body = f'<div class="halves"><div>{tables}</div><div>{chart}</div></div>' if side_by_side else tables + chart
    return (f'<section class="cover"><h1 class="pack-title">{_e(pack.title)}</h1>'
            f'<div class="meta">{meta}</div>'
            + (f'<div class="tiles">{tiles}</div>' if tiles else "") + body + "</section>")


def _item_html(item: PackItem, currency: str) -> str:
    who = " · ".join(_e(x) for x in (item.customer_name, item.customer_id) if x)
    kind = _e(item.kind_label) + (f" — {who}" if who else "")
    where = _("agenda item {position} ({title})").format(position=item.position, title=item.title)
    chart = _chart_html(item.chart, where, CHART_HALF_WIDTH_PX, CHART_MAX_HEIGHT_PX)
    customer, proposal, outcome_label = _e(_("Customer")), _e(_("Proposal")), _e(_("Outcome:"))
    top = (f'<div class="halves"><div><h3>{customer}</h3>{_pairs_html(item.facts)}</div>'
           f'<div><h3>{proposal}</h3>{_pairs_html(item.proposal)}{chart}</div></div>')
    tables = "".join(table_html(t, currency) for t in item.tables)
    outcome = (f'<div class="outcome"><span class="label">{outcome_label}</span> {_e(item.outcome)}</div>'
               if item.outcome else "")
    return (f'<section class="item"><h2>{item.position}. {_e(item.title)}</h2>'
            f'<div class="kind">{kind}</div>{outcome}{top}{tables}</section>')


def _minutes_html(lines: Sequence[str]) -> str:
    body = "".join(f"<p>{_e(line)}</p>" for line in lines)
    heading = _e(_("Minutes"))
    return f'<section class="minutes"><h2>{heading}</h2>{body}</section>'


def pack_html(pack: Pack) -> str:
    """The pack as one HTML document (what `render_pdf` prints)."""
    parts = [_cover_html(pack), *(_item_html(i, pack.currency) for i in pack.items)]
    if pack.minutes:
        parts.append(_minutes_html(pack.minutes))
    lang = "zh-Hans" if current() == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{_e(pack.title)}</title>'
            f'<meta name="generator" content="credit-portfolio-dashboard">'
            f"<style>{pdf_css()}</style></head><body>{''.join(parts)}</body></html>")


def pdf_unavailable() -> str | None:
    """Why the PDF pack cannot be made on this machine (WeasyPrint needs the system's Pango),
    or None when it can."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return _("the PDF pack needs Pango (Debian/Ubuntu: `apt install libpango-1.0-0 libpangoft2-1.0-0`; "
                 "macOS: `brew install pango`): {error}").format(error=exc)
    return None


def render_pdf(pack: Pack) -> bytes:
    """The pack as a PDF (A4 landscape): cover, one page per agenda item, minutes.

    Raises ValueError when a chart's spec cannot be rendered. Nothing is fetched: the document
    refers to no file or URL.
    """
    import weasyprint

    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=pack_html(pack), url_fetcher=fetcher).write_pdf()


# --- XLSX ------------------------------------------------------------------------------------

XLSX_NUMBER_FORMATS = {"amt": "#,##0", "int": "#,##0", "days": "#,##0", "pct": "0.0",
                       "float": "#,##0.00", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}


class _Styles:
    def __init__(self, workbook) -> None:
        self.header = workbook.add_format({"bold": True, "bg_color": "#E9EEF4", "bottom": 1})
        self.title = workbook.add_format({"bold": True, "font_size": 12})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.kind = {kind: workbook.add_format({"num_format": fmt}) for kind, fmt in XLSX_NUMBER_FORMATS.items()}


def _write_value(sheet, row: int, col: int, value: object, kind: str, styles: _Styles) -> None:
    """A cell as a real value: numbers (with the column's number format), dates, booleans, or
    text written as text (never a formula or a link)."""
    fmt = styles.kind.get(kind)
    write_cell(sheet, row, col, None if _is_missing(value) else value, kind, fmt)


def _write_table(sheet, table: PackTable, currency: str, first_row: int, styles: _Styles,
                 widths: dict[int, int]) -> int:
    """The table's header row at `first_row`, its rows below; `widths` grows to fit. Returns
    the index of the last row written."""
    headers, texts = table_cells(table, currency)
    kinds = [column_kind(n, t) for n, t in table.frame.schema.items()]
    for col, header in enumerate(headers):
        sheet.write_string(first_row, col, header, styles.header)
        widths[col] = max(widths.get(col, 0), display_width(header) + 2)
    for r, (row, row_texts) in enumerate(zip(table.frame.iter_rows(), texts), start=first_row + 1):
        for col, (value, kind, text) in enumerate(zip(row, kinds, row_texts)):
            _write_value(sheet, r, col, value, kind, styles)
            widths[col] = max(widths.get(col, 0), display_width(text) + 2)
    return first_row + len(texts)


def _finish(sheet, widths: dict[int, int], header_row: int, last_row: int, last_col: int) -> None:
    sheet.freeze_panes(header_row + 1, 0)
    if last_col >= 0:
        sheet.autofilter(header_row, 0, max(last_row, header_row), last_col)
    for col, width in widths.items():
        sheet.set_column(col, col, min(width, XLSX_MAX_COLUMN_WIDTH))


def _table_sheet(workbook, name: str, table: PackTable, currency: str, styles: _Styles) -> None:
    sheet = workbook.add_worksheet(name)
    widths: dict[int, int] = {}
    last = _write_table(sheet, table, currency, 0, styles, widths)
    _finish(sheet, widths, 0, last, table.frame.width - 1)


def _pairs_sheet(workbook, name: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
                 styles: _Styles) -> tuple[object, dict[int, int], int]:
    """A sheet of plain rows under a header row; returns the sheet, its widths and last row."""
    sheet = workbook.add_worksheet(name)
    widths: dict[int, int] = {}
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, styles.header)
        widths[col] = display_width(header) + 2
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                sheet.write_blank(r, col, None)
            elif isinstance(value, int):
                sheet.write_number(r, col, value, styles.kind["int"])
            else:
                sheet.write_string(r, col, str(value))
            widths[col] = max(widths[col], display_width("" if value is None else str(value)) + 2)
    return sheet, widths, len(rows)


def render_xlsx(pack: Pack) -> bytes:
    """The pack as a workbook: "Cover" (the pack's dates and headline figures, then the
    headline tables), "Agenda" (one row per item), one sheet per headline table and per item
    table ("<position>. <title>"), and "Minutes" when there are minutes.

    Every sheet has a bold frozen header row with an autofilter and fitted column widths;
    table cells hold real numbers and dates with number formats (#,##0 amounts, days and
    counts, 0.0 percents, yyyy-mm-dd dates).
    """
    import xlsxwriter

    buffer = io.BytesIO()
    cover_name, agenda_name, minutes_name = _("Cover"), _("Agenda"), _("Minutes")
    names = SheetNames([cover_name, agenda_name] + ([minutes_name] if pack.minutes else []))
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False, "remove_timezone": True}
    with xlsxwriter.Workbook(buffer, options) as workbook:
        workbook.set_properties({"title": pack.title,
                                 "comments": _("Data as of {date}").format(date=fmt_date(pack.as_of))})
        styles = _Styles(workbook)

        cover_rows = [(_("Pack"), pack.title),
                      (_("Meeting"), fmt_date(pack.meeting_on) if pack.meeting_on else MISSING),
                      (_("Data as of"), fmt_date(pack.as_of)),
                      (_("Generated"), _when(pack.generated_at)),
                      (_("Currency"), pack.currency),
                      *pack.headline]
        cover, widths, last = _pairs_sheet(workbook, cover_name, [_("Figure"), _("Value")], cover_rows, styles)
        header_last = last
        row = last + 2
        for table in pack.headline_tables:
            cover.write_string(row, 0, table.title, styles.title)
            row = _write_table(cover, table, pack.currency, row + 1, styles, widths) + 2
        _finish(cover, widths, 0, header_last, 1)

        agenda_rows = [(i.position, i.title, i.kind_label, i.customer_id, i.customer_name, i.outcome)
                       for i in pack.items]
        agenda, widths, last = _pairs_sheet(
            workbook, agenda_name, [_("Position"), _("Title"), _("Kind"), _("Customer ID"), _("Customer name"),
                                    _("Outcome")], agenda_rows, styles)
        _finish(agenda, widths, 0, last, 5)

        for table in pack.headline_tables:
            _table_sheet(workbook, names.take(table.title), table, pack.currency, styles)
        for item in pack.items:
            for table in item.tables:
                _table_sheet(workbook, names.take(f"{item.position}. {table.title}"), table, pack.currency, styles)

        if pack.minutes:
            minutes, widths, last = _pairs_sheet(workbook, minutes_name, [minutes_name], [(m,) for m in pack.minutes],
                                                 styles)
            minutes.set_column(0, 0, min(max(widths[0], 20), 120), styles.wrap)
            minutes.freeze_panes(1, 0)
            minutes.autofilter(0, 0, last, 0)
    return buffer.getvalue()
