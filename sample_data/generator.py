"""Synthetic credit portfolio generator: every contract table, realistic and reproducible.

`generate_portfolio(customers, years, seed)` returns one Polars frame per contract
table (exact contract columns, order and types); `write_portfolio` writes them in the
import format (CSV or Parquet) so the data goes through the same loader as a real
export. Everything is drawn from one `numpy.random.default_rng(seed)`, so a seed
always gives identical frames. Work is vectorised over invoices and customers; the
only Python loops run over months (<= 12 x years) or over the handful of deliberately
deteriorating customers.

The story in the data:
- customers with groups, segments (core / key / general by size), terms, onboarding
  before or during the window;
- a monthly rating Markov chain (annual corporate transition matrix taken to the
  1/12 power, D absorbing, default column = policy PD) drives payment behaviour,
  limits, financials and adverse events;
- a set of deteriorating customers (downgraded 2-4 notches over the last 6-9
  months, paying slowly, running over their limit, an adverse event, worse
  financials; a couple default);
- defaulted customers stop trading, their open items are written off ~6 months later.

Command line: ``python -m sample_data.generator --customers 2000 --years 3 --seed 7 --out DIR``.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy.linalg import fractional_matrix_power

from analytics.data.contract import POLARS_TYPES, TABLES
from analytics.policy import DEFAULT_POLICY_PATH, parse_policy

DEFAULT_END_DATE = date(2026, 10, 31)
INVOICES_PER_CUSTOMER_MONTH = 2.8
REPORTING_CURRENCY = "CNY"
USD_CNY = 7.1  # level used to express USD documents in USD units
MIN_DATE = date(1990, 1, 2)  # the loader rejects dates before the policy min_date (1990-01-01)

SCALE = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "D")
D = 7  # index of the default grade
B_GRADE, CCC_GRADE = 5, 6

# Annual transition probabilities in percent (rows AAA..CCC, columns AAA..CCC), in the
# spirit of the published long-run corporate one-year matrices (NR-adjusted). The
# default column is the policy PD and the diagonal takes the rest of each row.
_ANNUAL_OFFDIAG = np.array([
    [0.00, 8.20, 0.55, 0.05, 0.08, 0.03, 0.05],
    [0.55, 0.00, 8.10, 0.50, 0.06, 0.07, 0.02],
    [0.03, 1.75, 0.00, 5.50, 0.30, 0.12, 0.02],
    [0.01, 0.09, 3.50, 0.00, 3.90, 0.60, 0.12],
    [0.01, 0.03, 0.12, 5.00, 0.00, 7.60, 0.80],
    [0.00, 0.02, 0.08, 0.18, 5.20, 0.00, 4.80],
    [0.00, 0.00, 0.12, 0.20, 0.60, 13.50, 0.00],
])
INITIAL_GRADE_P = np.array([0.01, 0.04, 0.12, 0.30, 0.30, 0.19, 0.04])

# Payment behaviour by grade (AAA..CCC): share paid on time / early, mean days beyond terms.
P_ON_TIME = np.array([0.80, 0.76, 0.70, 0.62, 0.52, 0.40, 0.25])
MEAN_DAYS_BEYOND = np.array([2.0, 3.0, 5.0, 8.0, 14.0, 24.0, 45.0])
EARLY_MAX_DAYS = 8  # on-time payers pay 0..8 days before the due date (mean 4)

# Score bands per grade (AAA..D) on a 0-100 scale.
SCORE_LO = np.array([92.0, 85.0, 76.0, 65.0, 54.0, 42.0, 25.0, 0.0])
SCORE_HI = np.array([100.0, 92.0, 85.0, 76.0, 65.0, 54.0, 42.0, 15.0])

# Credit limit: grade multiplier x (expected monthly sales x (terms + grace) / 30 + buffer).
LIMIT_GRADE_MULT = np.array([1.60, 1.55, 1.50, 1.45, 1.38, 1.30, 1.00, 0.50])
LIMIT_GRACE_DAYS = 30
LIMIT_BUFFER_INVOICES = 3.0  # extra headroom of this many average invoices

# Financial ratios by grade (AAA..D).
FIN_RETAINED_SHARE = np.array([0.75, 0.70, 0.62, 0.55, 0.45, 0.32, 0.15, 0.05])
FIN_DEBT_RATIO = np.array([0.30, 0.38, 0.46, 0.55, 0.64, 0.74, 0.87, 1.06])
FIN_CURRENT_RATIO = np.array([2.30, 2.00, 1.75, 1.50, 1.25, 1.05, 0.82, 0.62])
FIN_EBIT_MARGIN = np.array([0.13, 0.11, 0.09, 0.07, 0.05, 0.03, -0.015, -0.07])
FIN_CASH_SHARE = np.array([0.30, 0.27, 0.24, 0.20, 0.17, 0.13, 0.08, 0.04])

# Adverse events: monthly probability by grade (AAA..CCC).
EVENT_P_MONTH = np.array([0.0006, 0.0010, 0.0015, 0.0025, 0.0040, 0.0080, 0.0250])

SEGMENTS = ("core", "key", "general")
TERMS = np.array([30, 45, 60, 90])
INDUSTRIES = (
    "Machinery", "Electronics", "Chemicals", "Retail", "Construction", "Automotive", "Textiles",
    "Food & Beverage", "Logistics", "Pharmaceuticals",
)
INDUSTRY_P = np.array([0.14, 0.13, 0.10, 0.10, 0.09, 0.11, 0.08, 0.10, 0.07, 0.08])
INDUSTRY_PHRASES = (
    ("Precision Machinery", "Heavy Industry", "Machine Tool", "Hydraulic Equipment"),
    ("Electronics Technology", "Optoelectronics", "Semiconductor", "Smart Devices"),
    ("Chemical", "New Materials", "Fine Chemicals", "Polymer Materials"),
    ("Commercial Trading", "Retail Chain", "Supermarket", "Department Store"),
    ("Construction Engineering", "Building Materials", "Decoration Engineering", "Steel Structure"),
    ("Auto Parts", "Automotive Components", "Vehicle Technology", "Motor Industry"),
    ("Textile", "Garment", "Knitting", "Dyeing and Finishing"),
    ("Food", "Beverage", "Agricultural Products", "Dairy"),
    ("Logistics", "Supply Chain Management", "International Freight", "Warehousing"),
    ("Pharmaceutical", "Biotechnology", "Medical Devices", "Health Technology"),
)
INDUSTRY_SCOPE = (
    ("Manufacture and sale of", ("CNC machine tools", "precision components", "hydraulic equipment",
                                 "industrial automation equipment", "bearings and transmission parts")),
    ("Research, manufacture and sale of", ("printed circuit boards", "electronic components", "LED lighting products",
                                           "consumer electronics", "power supply modules")),
    ("Production and sale of", ("fine chemicals (excluding hazardous chemicals)", "coatings and resins",
                                "plastic raw materials", "industrial solvents", "specialty additives")),
    ("Retail and wholesale of", ("daily necessities", "household appliances", "clothing and footwear", "groceries",
                                 "cosmetics and personal care products")),
    ("Contracting of", ("building construction projects", "municipal engineering", "steel structure installation",
                        "curtain wall engineering", "interior decoration")),
    ("Manufacture and sale of", ("automotive parts", "engine components", "vehicle electronics", "brake systems",
                                 "wheel hubs and chassis parts")),
    ("Manufacture and sale of", ("cotton yarn", "knitted fabrics", "garments", "home textiles",
                                 "dyed and printed fabrics")),
    ("Production and sale of", ("packaged foods", "soft drinks", "dairy products", "frozen foods", "edible oils")),
    ("Provision of", ("road freight transport", "international freight forwarding", "warehousing services",
                      "customs declaration services", "supply chain management services")),
    ("Research, production and sale of", ("chemical drugs", "active pharmaceutical ingredients", "medical devices",
                                          "diagnostic reagents", "health supplements")),
)
SCOPE_TAILS = (
    "import and export of goods and technology",
    "technical consulting and after-sales service",
    "wholesale and retail of related products",
    "warehousing services (excluding hazardous goods)",
)
BRAND_HEADS = ("Heng", "Jin", "Hua", "Zhong", "Xin", "Tian", "Hong", "Yong", "Rui", "Sheng", "Bao", "Kang", "Jia",
               "Hai", "Tai", "Xing", "Fu", "Lian", "Wei", "Bo", "Ding", "Guang", "Long", "Ming", "Rong")
BRAND_TAILS = ("tai", "long", "xin", "da", "yuan", "rui", "feng", "sheng", "li", "he", "tian", "hua", "yu", "chang",
               "xing", "fa", "an", "kang", "tong", "hai", "cheng", "bang", "neng", "jie", "run")
ENGLISH_BRANDS = ("Atlas", "Pacific", "Meridian", "Northstar", "Summit", "Harbor", "Evergreen", "Crescent",
                  "Sterling", "Vanguard", "Orion", "Keystone", "Redwood", "Bluewater", "Ironbridge", "Silverline")
REGIONS = ("East China", "South China", "North China", "Central China", "West China", "Overseas")
REGION_P = np.array([0.30, 0.22, 0.15, 0.12, 0.11, 0.10])
CITIES = (
    ("Shanghai", "Suzhou", "Hangzhou", "Ningbo", "Wuxi", "Nanjing", "Changzhou", "Qingdao", "Jinan", "Xiamen", "Hefei"),
    ("Shenzhen", "Guangzhou", "Dongguan", "Foshan", "Zhuhai", "Huizhou", "Nanning"),
    ("Beijing", "Tianjin", "Shijiazhuang", "Taiyuan", "Shenyang", "Dalian", "Tangshan"),
    ("Wuhan", "Changsha", "Zhengzhou", "Nanchang", "Luoyang"),
    ("Chengdu", "Chongqing", "Xi'an", "Kunming", "Lanzhou", "Guiyang"),
)
OVERSEAS = (  # country, legal-form suffix
    ("Vietnam", "Co., Ltd."), ("Germany", "GmbH"), ("United States", "Inc."), ("Malaysia", "Sdn. Bhd."),
    ("Thailand", "Co., Ltd."), ("India", "Pvt. Ltd."), ("Indonesia", "PT Tbk"), ("Mexico", "S.A. de C.V."),
    ("South Korea", "Co., Ltd."), ("Japan", "K.K."), ("Brazil", "Ltda."),
)
SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu",
            "Hu", "Guo", "He", "Lin", "Gao", "Luo")
GIVEN_NAMES = ("Wei", "Fang", "Jianguo", "Xiaoming", "Lei", "Jun", "Yong", "Jing", "Min", "Hui", "Qiang", "Hong",
               "Ping", "Gang", "Jie", "Tao", "Ming", "Chao", "Xiuying", "Guilan", "Haiyan", "Lihua", "Zhiqiang",
               "Dongmei")
WESTERN_NAMES = ("Michael Weber", "Anna Schmidt", "John Miller", "Sarah Johnson", "Nguyen Van Minh", "Tran Thi Lan",
                 "Ahmad bin Ismail", "Somchai Wongsa", "Rajesh Kumar", "Budi Santoso", "Carlos Hernandez",
                 "Kim Min-jun", "Takeshi Sato", "Lucas Oliveira")
CREDIT_MANAGERS = ("Li Na", "Wang Wei", "Zhang Min", "Liu Yang", "Chen Jing", "Zhao Lei", "Sun Li", "Zhou Tao")
CFO_NAME = "Huang Qiang"
COMMITTEE_NAME = "Credit Committee"
INSURERS = ("Sinosure", "Allianz Trade", "Coface", "Atradius", "PICC Property and Casualty")
BANKS = ("Bank of China", "Industrial and Commercial Bank of China", "China Construction Bank",
         "Agricultural Bank of China", "Bank of Communications", "China Merchants Bank", "Bank of Ningbo",
         "HSBC China")
COLLATERAL_KINDS = ("credit_insurance", "guarantee", "letter_of_credit")
EVENT_KINDS = ("litigation", "management_change", "insolvency_filing", "tax_penalty", "late_filing", "other")
EVENT_BASE_P = np.array([0.30, 0.20, 0.0, 0.15, 0.22, 0.13])
EVENT_INSOLVENCY_P = np.array([0.005, 0.005, 0.01, 0.01, 0.02, 0.05, 0.12])
EVENT_SEVERITY_P = np.array([  # low, medium, high per event kind
    [0.30, 0.45, 0.25], [0.40, 0.40, 0.20], [0.0, 0.0, 1.0], [0.50, 0.40, 0.10], [0.70, 0.30, 0.0], [0.60, 0.35, 0.05],
])
EVENT_TEXTS = (
    ("Sued by a supplier for unpaid goods; claim CNY {amt}m",
     "Defendant in a contract dispute at the intermediate people's court; claim CNY {amt}m",
     "Bank filed suit over an overdue loan; claim CNY {amt}m",
     "Labour arbitration filed by former employees; claim CNY {amt}m",
     "Bank accounts frozen by court order in a commercial dispute; claim CNY {amt}m"),
    ("Legal representative replaced", "Chairman resigned; general manager acting",
     "Change of controlling shareholder registered", "CFO resigned; position vacant",
     "Founder stepped down after a shareholder dispute"),
    ("Creditor petition for bankruptcy reorganisation accepted by the court",
     "Company filed for bankruptcy liquidation", "Court opened a pre-reorganisation procedure"),
    ("Tax bureau penalty for late VAT payment; CNY {amt}m", "Fined for VAT invoice irregularities; CNY {amt}m",
     "Published on the overdue tax arrears list; CNY {amt}m"),
    ("Annual report filed late with the market regulator",
     "Listed in the abnormal operations directory (annual report not filed)",
     "Audited statements delivered three months late"),
    ("Lost its largest customer", "Production halted for an environmental inspection",
     "Main plant damaged by flooding", "Negative press coverage on product quality",
     "Key supplier stopped deliveries"),
)
# Calendar-month seasonality: peak before Chinese New Year (Jan), trough in Feb, Q4 peak.
SEASONALITY = np.array([1.25, 0.70, 1.00, 1.00, 1.00, 1.05, 0.95, 0.95, 1.05, 0.92, 1.12, 1.20])

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


# ----------------------------------------------------------------------------- small helpers

def _day(d: date) -> int:
    return d.toordinal() - _EPOCH_ORDINAL


def _month_num(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of each day number."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Same day-of-month `months` later (clipped to the month's last day)."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    dom = (d - m.astype("datetime64[D]")).astype(np.int64)
    nm = m + np.asarray(months, dtype=np.int64)
    first = nm.astype("datetime64[D]")
    dim = ((nm + 1).astype("datetime64[D]") - first).astype(np.int64)
    return (first + np.minimum(dom, dim - 1)).astype(np.int64)


def _pick_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category per row of `probs` (rows need not be normalised)."""
    cum = np.cumsum(probs, axis=1)
    cum = cum / cum[:, -1:]
    u = rng.random(probs.shape[0])
    return np.minimum((u[:, None] > cum).sum(axis=1), probs.shape[1] - 1)


def _cat(name: str, labels: tuple[str, ...] | list[str], idx: np.ndarray) -> pl.Series:
    return pl.Series(name, list(labels), dtype=pl.String).gather(np.asarray(idx, dtype=np.int64)).alias(name)


def _dates(name: str, days: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    s = pl.Series(name, np.asarray(days).astype(np.int32)).cast(pl.Date)
    if valid is not None and not valid.all():
        s = s.scatter(np.flatnonzero(~valid), None)
    return s


def _floats(name: str, values: np.ndarray, valid: np.ndarray | None = None, decimals: int = 2) -> pl.Series:
    s = pl.Series(name, np.round(np.asarray(values, dtype=np.float64), decimals))
    if valid is not None and not valid.all():
        s = s.scatter(np.flatnonzero(~valid), None)
    return s


def _ints(name: str, values: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    s = pl.Series(name, np.asarray(values, dtype=np.int64))
    if valid is not None and not valid.all():
        s = s.scatter(np.flatnonzero(~valid), None)
    return s


def _ids(prefix: str, n: int, min_width: int = 7) -> pl.Series:
    width = max(min_width, len(str(n)))
    return pl.select(
        (pl.lit(prefix) + pl.int_range(1, n + 1, dtype=pl.Int64).cast(pl.String).str.zfill(width)).alias("id")
    ).to_series()


def _nice_round(x: np.ndarray) -> np.ndarray:
    """Round to two significant digits (limits are approved as round numbers)."""
    x = np.maximum(np.asarray(x, dtype=np.float64), 10_000.0)
    mag = 10.0 ** (np.floor(np.log10(x)) - 1)
    return np.round(x / mag) * mag


def _conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Exactly the contract columns, in contract order, with contract types."""
    cols = TABLES[name].columns
    return frame.select([(pl.col(c.name) if c.name in frame.columns else pl.lit(None)).cast(POLARS_TYPES[c.type])
                         .alias(c.name) for c in cols])


@lru_cache(maxsize=1)
def _policy_pd() -> np.ndarray:
    """PD per grade (fraction) from the shipped credit policy; checks the scale."""
    policy = parse_policy(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"), DEFAULT_POLICY_PATH)
    if tuple(policy.scale) != SCALE:
        raise ValueError(f"generator expects the rating scale {SCALE}, policy has {policy.scale}")
    return np.array([policy.pd_pct[g] / 100.0 for g in SCALE])


@lru_cache(maxsize=1)
def monthly_transition_matrix() -> np.ndarray:
    """Monthly rating transition matrix: annual matrix ** (1/12), negatives clipped, rows renormalised."""
    pd = _policy_pd()
    annual = np.zeros((8, 8))
    annual[:7, :7] = _ANNUAL_OFFDIAG / 100.0
    annual[:7, D] = pd[:7]
    for i in range(7):
        annual[i, i] = 1.0 - annual[i].sum()
    annual[D, D] = 1.0
    monthly = np.real(fractional_matrix_power(annual, 1.0 / 12.0))
    monthly = np.clip(monthly, 0.0, None)
    monthly[D] = 0.0
    monthly[D, D] = 1.0
    return monthly / monthly.sum(axis=1, keepdims=True)


# ----------------------------------------------------------------------------- the world

@dataclass
class _World:
    """Calendar, customer attributes and grade paths shared by the table builders."""

    rng: np.random.Generator
    n: int
    n_months: int
    start: int  # day numbers (days since 1970-01-01)
    end: int
    start_month: int  # months since 1970-01 of the first window month
    month_start: np.ndarray
    month_days: np.ndarray  # days of each month inside the window (the last may be partial)
    cal_month: np.ndarray  # 1..12
    arr: dict[str, Any] = field(default_factory=dict)  # numpy arrays (and a few Series) by name

    def midx(self, days: np.ndarray) -> np.ndarray:
        """Window month index of each day (may be < 0 or >= n_months)."""
        return _month_num(days) - self.start_month

    def grade_at(self, cust: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Grade path value at a date (before the window: the initial grade)."""
        m = np.clip(self.midx(days), 0, self.n_months - 1)
        return self.arr["G"][cust, m]


def _calendar(rng: np.random.Generator, customers: int, years: int, end_date: date) -> _World:
    n_months = years * 12
    end_month = end_date.year * 12 + end_date.month - 1 - 1970 * 12
    start_month = end_month - n_months + 1
    months = np.arange(start_month, end_month + 2, dtype=np.int64)
    firsts = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    month_start = firsts[:-1]
    end = _day(end_date)
    month_end = np.minimum(firsts[1:] - 1, end)
    return _World(
        rng=rng, n=customers, n_months=n_months, start=int(month_start[0]), end=end, start_month=int(start_month),
        month_start=month_start, month_days=month_end - month_start + 1,
        cal_month=(months[:-1] % 12) + 1,
    )


# ----------------------------------------------------------------------------- customers

def _customers(w: _World) -> pl.DataFrame:
    rng, n, a = w.rng, w.n, w.arr
    z = rng.standard_normal(n)  # log-size factor
    rank_key = z + 0.35 * rng.standard_normal(n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-rank_key, kind="stable")] = np.arange(n)
    segment = np.where(rank < round(0.10 * n), 0, np.where(rank < round(0.30 * n), 1, 2))
    industry = rng.choice(len(INDUSTRIES), size=n, p=INDUSTRY_P)
    region = rng.choice(len(REGIONS), size=n, p=REGION_P)

    # groups: ~15% of customers in groups of 2-5; the biggest member is the head
    target = int(round(0.15 * n))
    sizes = rng.integers(2, 6, size=target // 2 + 1)
    n_groups = int(np.searchsorted(np.cumsum(sizes), target, side="right"))
    sizes = sizes[:n_groups]
    members = rng.permutation(n)[: int(sizes.sum())]
    group_of = np.repeat(np.arange(n_groups), sizes)
    order = np.lexsort((-z[members], group_of))  # by group, biggest first
    members, group_of = members[order], group_of[order]
    first_pos = np.cumsum(sizes) - sizes
    heads = members[first_pos]
    parent = np.full(n, -1, dtype=np.int64)
    is_head_pos = np.zeros(members.size, dtype=bool)
    is_head_pos[first_pos] = True
    parent[members[~is_head_pos]] = heads[group_of[~is_head_pos]]
    in_group = parent >= 0
    same_region = in_group & (rng.random(n) < 0.8)
    region = np.where(same_region, region[np.maximum(parent, 0)], region)
    is_head = np.zeros(n, dtype=bool)
    is_head[heads] = True

    overseas = region == REGIONS.index("Overseas")
    country = np.where(overseas, rng.integers(0, len(OVERSEAS), size=n), -1)
    terms_p = np.array([[0.15, 0.10, 0.40, 0.35], [0.25, 0.15, 0.35, 0.25], [0.40, 0.15, 0.30, 0.15]])[segment]
    terms_p = np.where(overseas[:, None], np.array([0.10, 0.10, 0.40, 0.40]), terms_p)
    terms = TERMS[_pick_rows(rng, terms_p)]

    # dates: established, onboarded (75-80% before the window), review anchor
    start, end = w.start, w.end
    min_day = max(_day(MIN_DATE), start - int(30 * 365.25))
    new = (rng.random(n) < 0.20) & (w.n_months >= 2)
    onb_month = rng.integers(0, max(1, w.n_months - 1), size=n)
    onb_new = w.month_start[onb_month] + np.minimum(rng.integers(0, 11, size=n), w.month_days[onb_month] - 1)
    est_pre = start - rng.integers(365, int(30 * 365.25), size=n)
    est_pre = np.maximum(est_pre, min_day)
    frac = rng.random(n) ** 0.7
    onb_pre = est_pre + 90 + (frac * np.maximum(start - 1 - est_pre - 90, 0)).astype(np.int64)
    onb_pre = np.minimum(onb_pre, start - 1)
    est_new = np.maximum(onb_new - rng.integers(180, int(25 * 365.25), size=n), min_day)
    established = np.where(new, est_new, est_pre)
    onboarded = np.where(new, onb_new, onb_pre)
    first_active = np.where(new, onb_month + 1, 0)
    anchor = np.where(new, onb_new, np.maximum(start - rng.integers(0, 365, size=n), onb_pre))
    first_rated = np.where(new, onb_new, start)

    usd_p = np.where(overseas, 0.80, 0.06)
    a.update(z=z, segment=segment, established=established, industry=industry, region=region, overseas=overseas, terms=terms,
             parent=parent, is_head=is_head, new=new, first_active=first_active, anchor=anchor,
             first_rated=first_rated, onboarded=onboarded, usd_p=usd_p,
             beh=np.exp(rng.normal(-0.06, 0.35, size=n)),
             agency=rng.random(n) < np.array([0.35, 0.25, 0.08])[segment])

    # names and text fields
    brand = rng.integers(0, len(BRAND_HEADS) * len(BRAND_TAILS), size=n)
    brand = np.where(in_group, brand[np.maximum(parent, 0)], brand)
    phrase = rng.integers(0, 4, size=n)
    city_u = rng.random(n)
    city_lists = [list(c) for c in CITIES]
    city_offsets = np.cumsum([0] + [len(c) for c in city_lists])
    reg_c = np.minimum(region, len(CITIES) - 1)
    city = city_offsets[reg_c] + (city_u * np.array([len(c) for c in city_lists])[reg_c]).astype(np.int64)
    all_cities = [c for lst in city_lists for c in lst]
    template = rng.integers(0, 2, size=n)
    english_dom = (~overseas) & (rng.random(n) < 0.04)
    eng = rng.integers(0, len(ENGLISH_BRANDS), size=n)
    brand_names = [h + t for h in BRAND_HEADS for t in BRAND_TAILS]
    phrase_names = [p for ps in INDUSTRY_PHRASES for p in ps]
    frame = pl.DataFrame({
        "brand": _cat("brand", brand_names, brand),
        "eng": _cat("eng", ENGLISH_BRANDS, eng),
        "phrase": _cat("phrase", phrase_names, industry * 4 + phrase),
        "city": _cat("city", all_cities, city),
        "suffix": _cat("suffix", [s for _, s in OVERSEAS], np.maximum(country, 0)),
        "kind": pl.Series("kind", np.where(overseas, 3, np.where(is_head, 2, np.where(english_dom, 4, template)))),
    })
    name = frame.select(
        pl.when(pl.col("kind") == 0).then(pl.concat_str([pl.col("brand"), pl.lit(" "), pl.col("phrase"), pl.lit(" ("),
                                                         pl.col("city"), pl.lit(") Co., Ltd.")]))
        .when(pl.col("kind") == 1).then(pl.concat_str([pl.col("city"), pl.lit(" "), pl.col("brand"), pl.lit(" "),
                                                       pl.col("phrase"), pl.lit(" Co., Ltd.")]))
        .when(pl.col("kind") == 2).then(pl.concat_str([pl.col("brand"), pl.lit(" Group Co., Ltd.")]))
        .when(pl.col("kind") == 3).then(pl.concat_str([pl.col("eng"), pl.lit(" "), pl.col("phrase"), pl.lit(" "),
                                                       pl.col("suffix")]))
        .otherwise(pl.concat_str([pl.col("eng"), pl.lit(" "), pl.col("phrase"), pl.lit(" ("), pl.col("city"),
                                  pl.lit(") Co., Ltd.")]))
        .alias("name")
    ).with_columns(pl.int_range(pl.len()).over("name").alias("dup")).select(
        pl.when(pl.col("dup") == 0).then(pl.col("name"))
        .otherwise(pl.concat_str([pl.col("name"), pl.lit(" No."), (pl.col("dup") + 1).cast(pl.String),
                                  pl.lit(" Branch")]))
        .alias("name")
    ).to_series()

    verbs = [v for v, _ in INDUSTRY_SCOPE]
    items = [it for _, its in INDUSTRY_SCOPE for it in its]
    i1 = rng.integers(0, 5, size=n)
    i2 = (i1 + rng.integers(1, 5, size=n)) % 5
    scope = pl.select(pl.concat_str([
        _cat("v", verbs, industry), pl.lit(" "), _cat("i1", items, industry * 5 + i1), pl.lit(", "),
        _cat("i2", items, industry * 5 + i2), pl.lit("; "), _cat("t", SCOPE_TAILS, rng.integers(0, 4, size=n)),
    ]).alias("business_scope")).to_series()
    legal_cn = pl.select(pl.concat_str([
        _cat("s", SURNAMES, rng.integers(0, len(SURNAMES), size=n)), pl.lit(" "),
        _cat("g", GIVEN_NAMES, rng.integers(0, len(GIVEN_NAMES), size=n))])).to_series()
    legal_en = _cat("w", WESTERN_NAMES, rng.integers(0, len(WESTERN_NAMES), size=n))
    legal = pl.select(pl.when(pl.Series(overseas)).then(legal_en).otherwise(legal_cn).alias("l")).to_series()

    capital = np.exp(np.log(8e6) + 0.9 * z + rng.normal(0.0, 0.6, size=n))
    capital = np.round(capital / 10_000.0) * 10_000.0 + 10_000.0
    ids = _ids("C", n, 6)
    a["customer_ids"] = ids
    a["names"] = name
    countries = [c for c, _ in OVERSEAS] + ["China"]
    out = pl.DataFrame([
        ids.alias("customer_id"),
        name.alias("name"),
        ids.gather(np.maximum(parent, 0)).scatter(np.flatnonzero(parent < 0), None).alias("parent_id"),
        _cat("industry", INDUSTRIES, industry),
        _cat("region", REGIONS, region),
        _cat("country", countries, np.where(overseas, country, len(OVERSEAS))),
        _cat("segment", SEGMENTS, segment),
        _floats("registered_capital", capital),
        legal.alias("legal_representative"),
        scope,
        _dates("established_on", established),
        _dates("onboarded_on", onboarded),
        _cat("credit_manager", CREDIT_MANAGERS, rng.integers(0, len(CREDIT_MANAGERS), size=n)),
        _ints("payment_terms_days", terms),
    ])
    a["credit_managers"] = out["credit_manager"]  # used as approver by credit_limits
    return _conform("customers", out)


# ----------------------------------------------------------------------------- grade paths

def _grades(w: _World) -> None:
    rng, n, M, a = w.rng, w.n, w.n_months, w.arr
    g0 = rng.choice(7, size=n, p=INITIAL_GRADE_P)
    better = (a["segment"] < 2) & (rng.random(n) < 0.35)
    g0 = np.where(better, np.maximum(g0 - 1, 0), g0)
    cum = np.cumsum(monthly_transition_matrix(), axis=1)
    G = np.empty((n, M), dtype=np.int8)
    G[:, 0] = g0
    f = a["first_active"]
    # A slow payer (behaviour factor beh > 1: it pays later than its grade's average all along)
    # also migrates down more often: its draw is tilted to the worse end, u -> 1 - (1 - u)^tilt
    # with tilt = beh. So the payment characteristics a rating
    # model sees carry real signal about defaults a year ahead (docs/sample.md).
    tilt = a["beh"]
    for m in range(1, M):
        prev = G[:, m - 1]
        u = 1.0 - (1.0 - rng.random(n)) ** tilt
        new = np.minimum((u[:, None] > cum[prev]).sum(axis=1), D)
        G[:, m] = np.where(m > f, new, prev)
    a["G"] = G
    # day offset of a rating change inside each month (also the default date)
    a["change_off"] = (rng.random((n, M)) * np.minimum(28, w.month_days)[None, :]).astype(np.int16)


def _deteriorate(w: _World) -> None:
    """Force a few customers down 2-4 notches over the last 6-9 months; a couple default."""
    rng, n, M, a = w.rng, w.n, w.n_months, w.arr
    G = a["G"]
    k_target = min(40, max(8, n // 250), max(1, n // 10))
    ref = max(0, M - 10)
    candidate = (a["first_active"] <= max(0, M - 13)) & (G[:, max(0, M - 7)] != D)
    preferred = (G[:, ref] >= 2) & (G[:, ref] <= 4)
    priority = rng.random(n) + 1.0 * ~preferred + 10.0 * ~candidate
    k = int(min(k_target, candidate.sum()))
    chosen = np.argsort(priority, kind="stable")[:k]
    n_default = 2 if k >= 4 else (1 if k >= 2 else 0)
    det_start = np.full(n, M, dtype=np.int64)
    det_default = np.zeros(n, dtype=bool)
    for j, c in enumerate(chosen):
        s = int(max(1, M - rng.integers(6, 10)))
        pre = G[c, :s]
        if not 2 <= pre[-1] <= 4:
            G[c, :s] = np.clip(pre, 2, 4)
        base = int(G[c, s - 1])
        defaults = j < n_default
        if defaults:
            d_month = int(min(M - 1, max(s + 2, M - 1 - rng.integers(0, 3))))
            notches, last = CCC_GRADE - base, d_month - 1
        else:
            notches, last = int(min(rng.integers(2, 5), CCC_GRADE - base)), M - 1
        months_avail = np.arange(s + 1, last + 1)
        n_steps = int(min(rng.integers(1, min(notches, 3) + 1), 1 + months_avail.size))
        step_sizes = np.ones(n_steps, dtype=np.int64)
        for _ in range(notches - n_steps):
            step_sizes[rng.integers(0, n_steps)] += 1
        step_months = np.sort(np.concatenate([[s], rng.choice(months_avail, n_steps - 1, replace=False)]))
        path = np.full(M - s, base, dtype=np.int64)
        for sm, sz in zip(step_months, step_sizes):
            path[sm - s:] += sz
        G[c, s:] = np.minimum(path, CCC_GRADE)
        if defaults:
            G[c, d_month:] = D
            det_default[c] = True
        det_start[c] = s
    is_d = G == D
    has_d = is_d.any(axis=1)
    dm = np.where(has_d, is_d.argmax(axis=1), M)
    default_day = np.where(
        has_d, w.month_start[np.minimum(dm, M - 1)] + a["change_off"][np.arange(n), np.minimum(dm, M - 1)], w.end + 1)
    det = det_start < M

    # a few healthy customers grow fast in the last months (and run over their limit)
    growth_pool = (~det) & (~has_d) & (a["first_active"] <= max(0, M - 8))
    growth = growth_pool & (rng.random(n) < 0.025)
    boost_from = np.where(det, np.maximum(det_start - 2, 0), np.where(growth, max(0, M - 4), M))
    boost = np.where(det, 1.7, np.where(growth, 2.2, 1.0))
    a.update(det=det, det_start=det_start, det_default=det_default, det_order=chosen, default_month=dm,
             defaulted=has_d, default_day=default_day, boost_from=boost_from, boost=boost, growth=growth)


# ----------------------------------------------------------------------------- invoices and payments

def _volumes(w: _World) -> None:
    """Invoice rate per customer, normalised so the window holds ~2.8 rows per customer-month."""
    rng, n, M, a = w.rng, w.n, w.n_months, w.arr
    months = np.arange(M)
    active = (months[None, :] >= a["first_active"][:, None]) & (months[None, :] < a["default_month"][:, None])
    boost = np.where(months[None, :] >= a["boost_from"][:, None], a["boost"][:, None], 1.0)
    season = SEASONALITY[w.cal_month - 1] * (w.month_days / 30.4)  # a partial last month gets fewer
    raw_rate = np.exp(0.35 * a["z"]) * np.exp(rng.normal(0.0, 0.3, size=n))
    shape = active * boost * season[None, :]
    instalment_extra = 1.0 + 0.02 * 0.99 * 2.0  # plans add 1-3 extra rows
    target = INVOICES_PER_CUSTOMER_MONTH * n * M / instalment_extra
    scale = target / max(float((raw_rate[:, None] * shape).sum()), 1e-9)
    rate = raw_rate * scale
    mu = np.log(22_000.0) + 0.9 * a["z"] + rng.normal(0.0, 0.3, size=n)
    mean_invoice = np.exp(mu + 0.75**2 / 2)
    a.update(lam=rate[:, None] * shape, rate=rate, mu=mu, mean_invoice=mean_invoice,
             monthly_sales=rate * mean_invoice * season.mean(), active=active)


def _invoices_and_payments(w: _World) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng, n, M, a = w.rng, w.n, w.n_months, w.arr
    counts = rng.poisson(a["lam"]).ravel()
    cell = np.repeat(np.arange(n * M, dtype=np.int64), counts)
    cust, month = cell // M, cell % M
    inv_date = w.month_start[month] + (rng.random(cell.size) * w.month_days[month]).astype(np.int64)
    order = np.argsort(inv_date, kind="stable")
    cust, month, inv_date = cust[order], month[order], inv_date[order]
    n_docs = cust.size
    del cell, order

    credit_note = rng.random(n_docs) < 0.01
    amount_cny = np.exp(a["mu"][cust] + 0.75 * rng.standard_normal(n_docs))
    amount_cny = np.where(credit_note, -amount_cny * rng.uniform(0.05, 0.4, n_docs), amount_cny)
    usd = rng.random(n_docs) < a["usd_p"][cust]
    amount = np.round(np.where(usd, amount_cny / USD_CNY, amount_cny), 2)
    amount = np.where(credit_note, np.minimum(amount, -0.01), np.maximum(amount, 1.0))
    grade = a["G"][cust, month]
    disputed = (~credit_note) & (rng.random(n_docs) < np.where(grade >= B_GRADE, 0.014, 0.009))
    plan = (~credit_note) & (rng.random(n_docs) < 0.02)
    n_inst = np.where(plan, rng.integers(2, 5, size=n_docs), 1)

    # expand instalment plans into rows
    doc = np.repeat(np.arange(n_docs, dtype=np.int64), n_inst)
    pos = np.arange(doc.size, dtype=np.int64) - np.repeat(np.cumsum(n_inst) - n_inst, n_inst)
    cust_r, month_r, date_r, grade_r = cust[doc], month[doc], inv_date[doc], grade[doc]
    cn_r, usd_r, disp_r, plan_r, k_r = credit_note[doc], usd[doc], disputed[doc], plan[doc], n_inst[doc]
    per = np.round(amount[doc] / k_r, 2)
    amt_r = np.where(pos == k_r - 1, np.round(amount[doc] - per * (k_r - 1), 2), per)
    terms_r = a["terms"][cust_r]
    due_r = np.where(cn_r, date_r, date_r + terms_r)
    if plan_r.any():
        due_r[plan_r] = _add_months(due_r[plan_r], pos[plan_r])
    rows = doc.size

    # payment timing: days beyond terms by grade, customer behaviour, disputes, deterioration
    g7 = np.minimum(grade_r, CCC_GRADE)
    on_time = rng.random(rows) < P_ON_TIME[g7]
    late_mean = (MEAN_DAYS_BEYOND + EARLY_MAX_DAYS / 2 * P_ON_TIME) / (1 - P_ON_TIME)
    # Lateness has a heavy tail (gamma shape 1.2), but a payer better than CCC settles within
    # 60-80 days beyond its terms: two months late happens, a quarter late does not. Items more
    # than 90 days past due, the rating models' default trigger, come from CCC payers, from
    # deteriorating customers (below) and from defaults, as in a real ledger (docs/sample.md).
    weak = g7 >= CCC_GRADE
    late = rng.gamma(1.2, 1.0, rows) * (late_mean[g7] / 1.2) * a["beh"][cust_r]
    late = np.where(weak, late, np.minimum(late, 60 + 20 * rng.random(rows)))
    early = rng.integers(0, EARLY_MAX_DAYS + 1, size=rows)
    delay = np.where(on_time, -early, np.ceil(late).astype(np.int64))
    pay = np.maximum(due_r + delay, date_r)
    pay = pay + np.where(disp_r, rng.integers(30, 181, size=rows), 0)
    det_day = np.where(a["det"], w.month_start[np.minimum(a["det_start"], M - 1)], w.end + 10**6)[cust_r]
    slow = pay > det_day
    pay = np.where(slow, np.maximum(pay, det_day) + rng.integers(45, 151, size=rows), pay)
    # small items written off long after their due date: weak customers' bad debt
    old_wo = (~cn_r) & (g7 >= B_GRADE) & (rng.random(rows) < 0.0008) & (amt_r * np.where(usd_r, USD_CNY, 1.0) < 20_000)
    pay = np.where(old_wo, due_r + rng.integers(270, 541, size=rows), pay)

    partial = (~cn_r) & (rng.random(rows) < 0.08)
    p1_date = date_r + (rng.uniform(0.3, 0.9, rows) * (pay - date_r)).astype(np.int64)
    p1_amt = np.round(amt_r * rng.uniform(0.3, 0.7, rows), 2)
    partial &= (p1_amt >= 0.01) & (amt_r - p1_amt >= 0.01)
    final_amt = np.where(partial, np.round(amt_r - p1_amt, 2), amt_r)

    defaulted = a["defaulted"][cust_r]
    dday = a["default_day"][cust_r]
    p1_keep = partial & (p1_date <= w.end) & (~defaulted | (p1_date <= dday))
    final_keep = (~cn_r) & (pay <= w.end) & (~defaulted | (pay <= dday))
    wo_day = dday + rng.integers(165, 196, size=n)[cust_r]  # ~6 months after the default
    default_wo = (~cn_r) & defaulted & ~final_keep & (pay > dday) & (wo_day <= w.end)
    default_wo_amt = np.round(amt_r - np.where(p1_keep, p1_amt, 0.0), 2)

    cn_paid = date_r + rng.integers(5, 41, size=rows)
    paid = np.where(cn_r, cn_paid, np.where(final_keep, pay, wo_day))
    paid_valid = np.where(cn_r, cn_paid <= w.end, final_keep | default_wo)

    # open balance per customer at end_date in reporting currency (used to set limits)
    settled_amt = (np.where(p1_keep, p1_amt, 0.0) + np.where(final_keep, final_amt, 0.0)
                   + np.where(default_wo, default_wo_amt, 0.0))
    outstanding = np.where(cn_r, np.where(cn_paid <= w.end, 0.0, amt_r), amt_r - settled_amt)
    a["ar_end"] = np.bincount(cust_r, weights=outstanding * np.where(usd_r, USD_CNY, 1.0), minlength=n)

    # invoice ids: INV + number of the document in date order; instalments get -k
    base_ids = _ids("INV", n_docs)
    inv_ids = base_ids.gather(doc).alias("invoice_id")
    plan_rows = np.flatnonzero(plan_r)
    if plan_rows.size:
        suffixed = pl.select(pl.concat_str([inv_ids.gather(plan_rows), pl.lit("-"),
                                            pl.Series(pos[plan_rows] + 1).cast(pl.String)])).to_series()
        inv_ids = inv_ids.scatter(plan_rows, suffixed)
    cust_ids: pl.Series = a["customer_ids"]
    currency_r = _cat("currency", ["CNY", "USD"], usd_r.astype(np.int64))
    invoices = pl.DataFrame([
        inv_ids,
        cust_ids.gather(cust_r).alias("customer_id"),
        _dates("invoice_date", date_r),
        _dates("due_date", due_r),
        _floats("amount", amt_r),
        currency_r,
        _cat("doc_type", ["invoice", "credit_note"], cn_r.astype(np.int64)),
        _dates("paid_date", paid, paid_valid),
        pl.Series("is_disputed", disp_r),
        _ints("instalment_no", pos + 1, plan_r),
    ])

    # payments: first partials, final settlements, default write-offs, unapplied cash
    i1, i2, i3 = np.flatnonzero(p1_keep), np.flatnonzero(final_keep), np.flatnonzero(default_wo)
    p_row = np.concatenate([i1, i2, i3])
    p_date = np.concatenate([p1_date[i1], pay[i2], wo_day[i3]])
    p_amt = np.concatenate([p1_amt[i1], final_amt[i2], default_wo_amt[i3]])
    method_pick = rng.choice(3, size=p_row.size, p=[0.90, 0.06, 0.04])
    method_pick = np.where(usd_r[p_row], 0, method_pick)
    is_wo = np.concatenate([np.zeros(i1.size, bool), old_wo[i2], np.ones(i3.size, bool)])
    method = np.where(is_wo, 3, method_pick)
    methods = ["bank_transfer", "cheque", "netting", "write_off", "bank_transfer"]

    n_un = int(round(0.002 * p_row.size)) if p_row.size else 0
    trading = np.flatnonzero(a["active"].any(axis=1))
    if trading.size == 0:
        n_un = 0
    un_cust = trading[rng.integers(0, max(trading.size, 1), size=n_un)] if n_un else np.zeros(0, np.int64)
    lo = np.maximum(a["onboarded"][un_cust], w.start)
    hi = np.minimum(a["default_day"][un_cust], w.end)
    un_date = lo + (rng.random(n_un) * np.maximum(hi - lo, 0)).astype(np.int64)
    un_amt = np.round(np.exp(np.log(6_000.0) + rng.standard_normal(n_un)), 2) + 1.0

    all_date = np.concatenate([p_date, un_date])
    porder = np.argsort(all_date, kind="stable")
    n_app = p_row.size
    applied_cust = cust_r[p_row]
    cust_all = np.concatenate([applied_cust, un_cust])
    inv_id_all = pl.concat([inv_ids.gather(p_row), pl.Series("invoice_id", [None] * n_un, dtype=pl.String)])
    cur_all = np.concatenate([usd_r[p_row].astype(np.int64), np.zeros(n_un, np.int64)])
    meth_all = np.concatenate([method, np.full(n_un, 4)])
    payments = pl.DataFrame([
        _ids("PAY", n_app + n_un).alias("payment_id"),
        cust_ids.gather(cust_all[porder]).alias("customer_id"),
        inv_id_all.gather(porder).alias("invoice_id"),
        _dates("payment_date", all_date[porder]),
        _floats("amount", np.concatenate([p_amt, un_amt])[porder]),
        _cat("currency", ["CNY", "USD"], cur_all[porder]),
        _cat("method", methods, meth_all[porder]),
    ])
    return _conform("invoices", invoices), _conform("payments", payments)


# ----------------------------------------------------------------------------- orders

def _orders(w: _World) -> pl.DataFrame:
    rng, n, M, a = w.rng, w.n, w.n_months, w.arr
    months = np.arange(M)
    boost = np.where(months[None, :] >= a["boost_from"][:, None], a["boost"][:, None], 1.0)
    lam = a["active"] * boost * (w.month_days / 30.4)[None, :]
    counts = rng.poisson(lam).ravel()
    cell = np.repeat(np.arange(n * M, dtype=np.int64), counts)
    cust, month = cell // M, cell % M
    o_date = w.month_start[month] + (rng.random(cell.size) * w.month_days[month]).astype(np.int64)
    order = np.argsort(o_date, kind="stable")
    cust, o_date = cust[order], o_date[order]
    k = cust.size
    amt = np.exp(a["mu"][cust] + np.log(1.6) + 0.6 * rng.standard_normal(k))
    usd = rng.random(k) < a["usd_p"][cust]
    amt = np.maximum(np.round(np.where(usd, amt / USD_CNY, amt), 2), 1.0)
    cancelled = rng.random(k) < 0.03
    invoiced_on = o_date + rng.integers(5, 41, size=k)
    invoiced = (~cancelled) & (invoiced_on <= w.end)
    status = np.where(cancelled, 2, np.where(invoiced, 1, 0))
    a["open_orders_end"] = np.bincount(cust, weights=np.where(status == 0, amt, 0.0) * np.where(usd, USD_CNY, 1.0),
                                       minlength=n)
    cust_ids: pl.Series = a["customer_ids"]
    out = pl.DataFrame([
        _ids("ORD", k).alias("order_id"),
        cust_ids.gather(cust).alias("customer_id"),
        _dates("order_date", o_date),
        _floats("amount", amt),
        _cat("currency", ["CNY", "USD"], usd.astype(np.int64)),
        _cat("status", ["open", "invoiced", "cancelled"], status),
        _dates("invoiced_on", invoiced_on, invoiced),
    ])
    return _conform("orders", out)


# ----------------------------------------------------------------------------- ratings

def _ratings(w: _World) -> pl.DataFrame:
    rng, n, M, a = w.rng, w.n, w.n_months, w.arr
    G = a["G"]
    # first rating at onboarding / window start
    c0 = np.arange(n)
    d0 = a["first_rated"]
    g_first = G[:, 0]
    # changes
    ch = np.zeros((n, M), dtype=bool)
    if M > 1:
        ch[:, 1:] = G[:, 1:] != G[:, :-1]
    c1, m1 = np.nonzero(ch)
    d1 = w.month_start[m1] + a["change_off"][c1, m1]
    g1 = G[c1, m1]
    # periodic re-affirmation: yearly, quarterly for core and for B / CCC
    n_q = M // 3 + 6
    c2 = np.repeat(np.arange(n), n_q)
    q = np.tile(np.arange(1, n_q + 1), n)
    d2 = _add_months(a["anchor"][c2], 3 * q)
    ok = (d2 > a["first_rated"][c2]) & (d2 <= w.end) & (d2 < a["default_day"][c2]) & (d2 >= w.start)
    c2, q, d2 = c2[ok], q[ok], d2[ok]
    m2 = w.midx(d2)
    g2 = G[c2, m2]
    keep = ((q % 4) == 0) | (a["segment"][c2] == 0) | (g2 == B_GRADE) | (g2 == CCC_GRADE)
    keep &= ~ch[c2, m2] & (g2 != D)
    c2, d2, g2 = c2[keep], d2[keep], g2[keep]

    cust = np.concatenate([c0, c1, c2])
    days = np.concatenate([d0, d1, d2])
    grade = np.concatenate([g_first, g1, g2]).astype(np.int64)
    order = np.lexsort((days, cust))
    cust, days, grade = cust[order], days[order], grade[order]
    score = SCORE_LO[grade] + rng.random(cust.size) * (SCORE_HI[grade] - SCORE_LO[grade])
    # customers that missed their last limit review were not re-affirmed either (drawn after
    # the scores so the random stream, and every table after this one, stays the same)
    periodic = order >= c0.size + c1.size
    keep_row = ~(periodic & a["missed_review"][cust] & (days > a["review_cutoff"]))
    cust, days, grade, score = cust[keep_row], days[keep_row], grade[keep_row], score[keep_row]
    cust_ids: pl.Series = a["customer_ids"]
    out = pl.DataFrame([
        cust_ids.gather(cust).alias("customer_id"),
        _dates("rated_on", days),
        _cat("grade", SCALE, grade),
        _floats("score", score, decimals=1),
        pl.Series("pd", _policy_pd()[grade]),
        _cat("source", ["internal", "agency"], a["agency"][cust].astype(np.int64)),
    ])
    return _conform("ratings", out)


# ----------------------------------------------------------------------------- credit limits

def _credit_limits(w: _World) -> pl.DataFrame:
    """Limit at onboarding / before the window, then a review every 12 months (core: 6).

    Limit = grade multiplier x (expected monthly sales x (terms + grace) / 30 + a buffer of
    a few average invoices), rounded to two significant digits. ~5% of customers miss
    their last review (limit expired at end_date); deteriorating customers get their
    limit cut after the downgrade, below the exposure they have run up.
    """
    rng, n, a = w.rng, w.n, w.arr
    years = w.n_months // 12 + 2
    period = np.where(a["segment"] == 0, 6, 12)
    n_k = 2 * years + 1
    c = np.repeat(np.arange(n), n_k)
    k = np.tile(np.arange(n_k), n)
    eff = _add_months(a["anchor"][c], k * period[c])
    ok = (eff <= w.end) & ((k == 0) | (eff < a["default_day"][c]))
    # ~5% of customers miss their last review: nothing approved in the last 12 months
    cutoff = int(_add_months(np.array([w.end]), -12)[0]) - 5
    missed = (rng.random(n) < 0.05) & (a["anchor"] <= cutoff) & ~a["det"]
    ok &= ~(missed[c] & (k > 0) & (eff > cutoff))
    a["missed_review"], a["review_cutoff"] = missed, cutoff  # their periodic re-rating lapses too
    # deteriorating customers: regular reviews after the downgrade are replaced by a cut
    det = a["det"]
    det_day = np.where(det, w.month_start[np.minimum(a["det_start"], w.n_months - 1)], w.end + 1)
    cut_day = np.minimum(det_day + rng.integers(15, 61, size=n), w.end - 3)
    ok &= ~(det[c] & (k > 0) & (eff >= cut_day[c]))
    c, k, eff = c[ok], k[ok], eff[ok]
    grade = np.minimum(w.grade_at(c, eff), CCC_GRADE)
    terms = a["terms"][c]
    sales = a["monthly_sales"][c] * np.exp(rng.normal(0.0, 0.12, size=c.size))
    limit = _nice_round(LIMIT_GRADE_MULT[grade] * (sales * (terms + LIMIT_GRACE_DAYS) / 30.0
                                                   + LIMIT_BUFFER_INVOICES * a["mean_invoice"][c]))

    dc = np.flatnonzero(det)
    if dc.size:
        # limit in force at the cut: the last regular row of each deteriorating customer
        last_row = np.full(n, -1, dtype=np.int64)
        last_row[c] = np.arange(c.size)  # rows are customer-major, k ascending: the last write wins
        prev = limit[last_row[dc]]
        exposure = a["ar_end"][dc] + a["open_orders_end"][dc]
        cut_limit = np.maximum(np.minimum(prev * rng.uniform(0.5, 0.8, dc.size),
                                          exposure * rng.uniform(0.55, 0.85, dc.size)), 10_000.0)
        cut_limit = np.floor(cut_limit / 10_000.0) * 10_000.0
        c = np.concatenate([c, dc])
        k = np.concatenate([k, np.full(dc.size, n_k)])
        eff = np.concatenate([eff, cut_day[dc]])
        terms = np.concatenate([terms, a["terms"][dc]])
        limit = np.concatenate([limit, cut_limit])
        order = np.lexsort((eff, c))
        c, k, eff, terms, limit = c[order], k[order], eff[order], terms[order], limit[order]

    level = np.where(limit < 1_000_000, 0, np.where(limit < 10_000_000, 1, 2))
    managers = a["credit_managers"].gather(c)
    approver = pl.select(
        pl.when(pl.Series(level) == 0).then(managers)
        .when(pl.Series(level) == 1).then(pl.lit(CFO_NAME)).otherwise(pl.lit(COMMITTEE_NAME)).alias("approved_by")
    ).to_series()
    cust_ids: pl.Series = a["customer_ids"]
    out = pl.DataFrame([
        cust_ids.gather(c).alias("customer_id"),
        _dates("effective_from", eff),
        _floats("limit_amt", limit),
        pl.Series("currency", [None] * c.size, dtype=pl.String),
        _dates("expires_on", _add_months(eff, 12)),
        approver,
        _cat("approval_level", ["credit_manager", "cfo", "committee"], level),
        _ints("payment_terms_days", terms),
    ])
    first = np.flatnonzero(k == 0)
    a["first_limit"] = np.zeros(n)
    a["first_limit"][c[first]] = limit[first]
    return _conform("credit_limits", out)


# ----------------------------------------------------------------------------- financials

def _financials(w: _World) -> pl.DataFrame:
    rng, n, a = w.rng, w.n, w.arr
    end_d = date.fromordinal(w.end + _EPOCH_ORDINAL)
    start_d = date.fromordinal(w.start + _EPOCH_ORDINAL)
    # the fiscal years ending in the window and the one before it: a credit file holds the
    # latest accounts on hand when the export's window opens
    fy = np.array([_day(date(y, 12, 31)) for y in range(start_d.year - 1, end_d.year + 1)
                   if _day(date(y, 12, 31)) <= w.end], dtype=np.int64)
    if fy.size == 0:
        return _conform("financials", pl.DataFrame(schema={c.name: POLARS_TYPES[c.type]
                                                           for c in TABLES["financials"].columns}))
    n_fy = fy.size
    c = np.repeat(np.arange(n), n_fy)
    y = np.tile(np.arange(n_fy), n)
    pe = fy[y]
    # customer-level traits and yearly noise
    share = rng.uniform(0.03, 0.20, n)
    turnover = rng.uniform(0.6, 1.8, n)
    growth = np.exp(rng.normal(0.05, 0.08, (n, n_fy)).cumsum(axis=1))
    dr_c, cr_c, mg_c = rng.normal(0, 0.05, n), np.exp(rng.normal(0, 0.10, n)), rng.normal(0, 0.015, n)
    ca_share = rng.uniform(0.40, 0.70, n)
    # statements of the fiscal years in the window (new customers hand in their history),
    # none after a default, none before incorporation
    keep = (pe < a["default_day"][c]) & (a["established"][c] < pe - 90)
    c, y, pe = c[keep], y[keep], pe[keep]
    k = c.size
    grade = w.grade_at(c, pe).astype(np.int64)
    # deteriorating customers: their last statement already shows the trouble
    last_fy = y == n_fy - 1
    worst = np.where(a["G"] == D, -1, a["G"]).max(axis=1)
    det_last = a["det"][c] & last_fy
    grade = np.where(det_last, np.maximum(grade, np.minimum(worst[c], CCC_GRADE)), grade)
    revenue = 12.0 * a["monthly_sales"][c] / share[c] * growth[c, y] * np.where(det_last, rng.uniform(0.72, 0.9, k), 1)
    total_assets = revenue / turnover[c]
    debt_ratio = np.clip(FIN_DEBT_RATIO[grade] + dr_c[c] + rng.normal(0, 0.02, k), 0.08, 1.35)
    total_liab = debt_ratio * total_assets
    current_assets = ca_share[c] * total_assets
    cr = FIN_CURRENT_RATIO[grade] * cr_c[c] * np.exp(rng.normal(0, 0.05, k))
    current_liab = np.minimum(current_assets / cr, 0.95 * total_liab)
    cash = current_assets * np.clip(FIN_CASH_SHARE[grade] * np.exp(rng.normal(0, 0.2, k)), 0.01, 0.45)
    inventory = current_assets * rng.uniform(0.15, 0.40, k)
    intangible = total_assets * rng.uniform(0.01, 0.08, k)
    ebit = revenue * (FIN_EBIT_MARGIN[grade] + mg_c[c] + rng.normal(0, 0.01, k))
    interest = total_liab * rng.uniform(0.02, 0.045, k)
    pretax = ebit - interest
    net_income = np.where(pretax > 0, 0.75 * pretax, pretax)
    ocf = net_income + 0.03 * total_assets + revenue * rng.normal(0, 0.03, k)

    r = lambda x: np.round(x, 2)  # noqa: E731
    ta, tl = r(total_assets), r(total_liab)
    cust_ids: pl.Series = a["customer_ids"]
    out = pl.DataFrame([
        cust_ids.gather(c).alias("customer_id"),
        _dates("period_end", pe),
        _floats("revenue", revenue),
        _floats("ebit", ebit),
        _floats("interest_expense", interest),
        _floats("net_income", net_income),
        _floats("total_assets", ta),
        _floats("current_assets", current_assets),
        _floats("cash", cash),
        _floats("inventory", inventory),
        _floats("intangible_assets", intangible),
        _floats("total_liabilities", tl),
        _floats("current_liabilities", current_liab),
        _floats("equity", ta - tl),
        # the share of equity built from kept profits: more for a strong grade; a firm with
        # negative equity has lost more than its paid-in capital
        _floats("retained_earnings", np.where(ta - tl > 0, (ta - tl) * np.clip(
            FIN_RETAINED_SHARE[grade] + rng.normal(0, 0.08, k), 0.0, 0.95), (ta - tl) - 0.05 * ta)),
        _floats("operating_cash_flow", ocf),
    ])
    return _conform("financials", out)


# ----------------------------------------------------------------------------- events

def _events(w: _World) -> pl.DataFrame:
    rng, n, M, a = w.rng, w.n, w.n_months, w.arr
    G = a["G"]
    p = EVENT_P_MONTH[np.minimum(G, CCC_GRADE)] * a["active"]
    hit = rng.random((n, M)) < p
    c1, m1 = np.nonzero(hit)
    d1 = w.month_start[m1] + (rng.random(c1.size) * w.month_days[m1]).astype(np.int64)
    g1 = np.minimum(G[c1, m1], CCC_GRADE).astype(np.int64)
    kind_p = np.tile(EVENT_BASE_P, (c1.size, 1))
    kind_p[:, 2] = EVENT_INSOLVENCY_P[g1]
    kind_p[:, [0, 1, 3, 4, 5]] *= (1 - EVENT_INSOLVENCY_P[g1])[:, None]
    k1 = _pick_rows(rng, kind_p) if c1.size else np.zeros(0, np.int64)
    sev1 = _pick_rows(rng, EVENT_SEVERITY_P[k1]) if c1.size else np.zeros(0, np.int64)
    bump = (g1 >= B_GRADE) & (rng.random(c1.size) < 0.3)
    sev1 = np.minimum(sev1 + bump, 2)

    # defaulted customers: an insolvency filing around the default (60%)
    dcust = np.flatnonzero(a["defaulted"] & (rng.random(n) < 0.6))
    d2 = np.maximum(a["default_day"][dcust] - rng.integers(0, 46, size=dcust.size), a["onboarded"][dcust] + 1)
    d2 = np.clip(d2, w.start, w.end)
    # deteriorating customers: a recent high-severity litigation or management change
    det = a["det_order"]
    s_day = w.month_start[np.minimum(a["det_start"][det], M - 1)]
    d3 = s_day + (rng.random(det.size) * np.maximum(np.minimum(w.end, a["default_day"][det]) - s_day, 1)).astype(
        np.int64)
    d3 = np.minimum(d3, w.end)
    k3 = np.where(rng.random(det.size) < 0.6, 0, 1)

    cust = np.concatenate([c1, dcust, det])
    days = np.concatenate([d1, d2, d3])
    kind = np.concatenate([k1, np.full(dcust.size, 2), k3]).astype(np.int64)
    sev = np.concatenate([sev1, np.full(dcust.size, 2), np.full(det.size, 2)]).astype(np.int64)
    order = np.argsort(days, kind="stable")
    cust, days, kind, sev = cust[order], days[order], kind[order], sev[order]
    n_texts = np.array([len(t) for t in EVENT_TEXTS])
    offsets = np.cumsum(np.concatenate([[0], n_texts]))[:-1]
    text_idx = offsets[kind] + (rng.random(cust.size) * n_texts[kind]).astype(np.int64)
    claim = np.round(a["monthly_sales"][cust] * rng.uniform(0.3, 4.0, cust.size) / 1e6, 2)
    claim = np.maximum(claim, 0.05)
    texts = [t for ts in EVENT_TEXTS for t in ts]
    desc = pl.select(
        _cat("t", texts, text_idx).str.replace("{amt}", pl.Series(claim).cast(pl.String), literal=True)
        .alias("description")
    ).to_series()
    cust_ids: pl.Series = a["customer_ids"]
    out = pl.DataFrame([
        _ids("EV", cust.size).alias("event_id"),
        cust_ids.gather(cust).alias("customer_id"),
        _dates("event_date", days),
        _cat("event_type", EVENT_KINDS, kind),
        _cat("severity", ["low", "medium", "high"], sev),
        desc,
    ])
    return _conform("events", out)


# ----------------------------------------------------------------------------- collateral

def _collateral(w: _World) -> pl.DataFrame:
    rng, n, a = w.rng, w.n, w.arr
    covered = rng.random(n) < np.array([0.35, 0.28, 0.155])[a["segment"]]
    # 1-3 deteriorating customers whose insurer cuts cover in the last 3 months
    det = a["det_order"]
    n_cut = int(min(det.size, 3, 1 + det.size // 8))
    live = det[~a["det_default"][det]]  # prefer customers still trading
    cut = np.concatenate([live, det[a["det_default"][det]]])[:n_cut]
    covered[cut] = True
    c = np.flatnonzero(covered)
    kind_p = np.where(a["overseas"][c, None], np.array([0.45, 0.15, 0.40]), np.array([0.50, 0.37, 0.13]))
    kind = _pick_rows(rng, kind_p) if c.size else np.zeros(0, np.int64)
    is_cut = np.isin(c, cut)
    kind = np.where(is_cut, 0, kind)
    amount = _nice_round(a["first_limit"][c] * rng.uniform(0.2, 0.9, c.size))
    v_from = np.minimum(a["anchor"][c] + rng.integers(0, 61, size=c.size), w.end)
    months = rng.integers(12, 37, size=c.size)
    v_to = _add_months(v_from, months) - 1
    open_ended = (kind == 1) & (rng.random(c.size) < 0.3)
    # providers: insurers, banks, or the group parent for guarantees
    insurer = rng.integers(0, len(INSURERS), size=c.size)
    bank = rng.integers(0, len(BANKS), size=c.size)
    parent = a["parent"][c]
    use_parent = (kind == 1) & (parent >= 0) & (rng.random(c.size) < 0.6)
    names: pl.Series = a["names"]
    provider = pl.select(
        pl.when(pl.Series(kind == 0)).then(_cat("i", INSURERS, insurer))
        .when(pl.Series(use_parent)).then(names.gather(np.maximum(parent, 0)))
        .otherwise(_cat("b", BANKS, bank)).alias("provider")
    ).to_series()

    cut_day = w.end - rng.integers(5, 86, size=c.size)
    v_from = np.where(is_cut, np.minimum(v_from, cut_day - 120), v_from)
    v_to = np.where(is_cut, np.maximum(v_to, _add_months(cut_day, 6)), v_to)
    new_amt = _nice_round(amount * rng.uniform(0.3, 0.6, c.size))
    new_to = _add_months(cut_day, 12) - 1
    v_to_orig = np.where(is_cut, cut_day - 1, v_to)

    ic = np.flatnonzero(is_cut)
    all_c = np.concatenate([c, c[ic]])
    cust_ids: pl.Series = a["customer_ids"]
    valid_to = np.concatenate([v_to_orig, new_to[ic]])
    valid_to_ok = np.concatenate([~open_ended, np.ones(ic.size, bool)])
    days_from = np.concatenate([v_from, cut_day[ic]])
    order = np.lexsort((days_from, all_c))
    out = pl.DataFrame([
        cust_ids.gather(all_c).alias("customer_id"),
        _cat("collateral_type", COLLATERAL_KINDS, np.concatenate([kind, kind[ic]])),
        _floats("amount", np.concatenate([amount, new_amt[ic]])),
        pl.Series("currency", [REPORTING_CURRENCY] * all_c.size, dtype=pl.String),
        _dates("valid_from", days_from),
        _dates("valid_to", valid_to, valid_to_ok),
        pl.concat([provider, provider.gather(ic)]),
    ])[order]
    out = out.with_columns(_ids("COL", out.height, 6).alias("collateral_id"))
    return _conform("collateral", out)


# ----------------------------------------------------------------------------- fx

def _fx_rates(w: _World) -> pl.DataFrame:
    rng = w.rng
    month_end = w.month_start + w.month_days - 1
    days = np.concatenate([[w.start], month_end])
    x = np.empty(days.size)
    x[0] = np.log(7.1) + rng.normal(0, 0.01)
    shocks = rng.normal(0, 0.008, days.size)
    for i in range(1, days.size):
        x[i] = x[i - 1] + 0.08 * (np.log(7.1) - x[i - 1]) + shocks[i]
    days, idx = np.unique(days, return_index=True)
    out = pl.DataFrame([
        pl.Series("currency", ["USD"] * days.size, dtype=pl.String),
        _dates("rate_date", days),
        pl.Series("rate_to_reporting", np.round(np.exp(x[idx]), 4)),
    ])
    return _conform("fx_rates", out)


# ----------------------------------------------------------------------------- public API

def generate_portfolio(customers: int, years: int, seed: int,
                       end_date: date | None = None) -> dict[str, pl.DataFrame]:
    """All contract tables for a synthetic portfolio.

    customers: number of customers (>= 1); years: length of the window in years (>= 1),
    ending at end_date (default 2026-10-31) and starting on the first day of the month
    years*12 months back; seed: the only source of randomness (same seed, same frames).
    Returns {table name: frame} in contract load order, contract columns and types.
    """
    if customers < 1:
        raise ValueError("customers must be >= 1")
    if years < 1:
        raise ValueError("years must be >= 1")
    end_date = end_date or DEFAULT_END_DATE
    rng = np.random.default_rng(seed)
    w = _calendar(rng, customers, years, end_date)
    tables: dict[str, pl.DataFrame] = {}
    customers_df = _customers(w)
    _grades(w)
    _deteriorate(w)
    _volumes(w)
    invoices, payments = _invoices_and_payments(w)
    tables["customers"] = customers_df
    tables["invoices"] = invoices
    tables["payments"] = payments
    tables["orders"] = _orders(w)
    tables["credit_limits"] = _credit_limits(w)
    tables["ratings"] = _ratings(w)
    tables["financials"] = _financials(w)
    tables["events"] = _events(w)
    tables["collateral"] = _collateral(w)
    tables["fx_rates"] = _fx_rates(w)
    _ledger_situations(tables, w, np.random.default_rng([seed, 10]))
    return {name: tables[name] for name in TABLES}


def _ledger_situations(tables: dict[str, pl.DataFrame], w: _World, rng: np.random.Generator) -> None:
    """What real ledgers hold besides invoices paid in full, drawn from a stream of their own
    (the rest of the portfolio stays as it was): credit notes naming the invoice they reduce
    (60 %), cancellation dates on cancelled orders, a few advance payments (dated before their
    invoice) and overpayments, and group credit limits: in about 40 % of groups the members
    have no limit of their own and draw on the parent's, raised by what the members had."""
    a = w.arr
    epoch = date(1970, 1, 1).toordinal()
    start_d, end_d = date.fromordinal(epoch + w.start), date.fromordinal(epoch + w.end)
    inv = tables["invoices"].with_row_index("_r")
    cns = inv.filter(pl.col("doc_type") == "credit_note")
    if cns.height:
        receivables = inv.filter(pl.col("doc_type") == "invoice").select(
            "customer_id", "currency", pl.col("invoice_date").alias("target_date"),
            pl.col("invoice_id").alias("target_id")).sort("target_date")
        linked = (cns.select("_r", "customer_id", "currency", "invoice_date").sort("invoice_date")
                  .join_asof(receivables, left_on="invoice_date", right_on="target_date", by=["customer_id", "currency"],
                             strategy="backward", check_sortedness=False)
                  .filter(pl.col("target_id").is_not_null()))
        keep = rng.random(linked.height) < 0.6
        linked = linked.filter(pl.Series(keep)).select("_r", "target_id")
        inv = inv.join(linked, on="_r", how="left").with_columns(
            pl.col("target_id").alias("applies_to"),
            pl.when(pl.col("target_id").is_not_null()).then(None).otherwise(pl.col("paid_date")).alias("paid_date"))
        tables["invoices"] = _conform("invoices", inv.sort("_r"))
    orders = tables["orders"]
    days = pl.Series(rng.integers(3, 31, size=orders.height))
    cancel_day = pl.col("order_date") + pl.duration(days=days)
    cancelled = pl.col("status") == "cancelled"
    tables["orders"] = _conform("orders", orders.with_columns(  # not yet cancelled at the end: still open
        pl.when(cancelled & (cancel_day <= end_d)).then(cancel_day).alias("cancelled_on"),
        pl.when(cancelled & (cancel_day > end_d)).then(pl.lit("open")).otherwise(pl.col("status")).alias("status")))
    pay = tables["payments"]
    linked_cn = tables["invoices"].filter(pl.col("applies_to").is_not_null()).group_by(
        pl.col("applies_to").alias("invoice_id")).agg((-pl.col("amount")).sum().alias("_credited"),
                                                      pl.col("invoice_date").min().alias("_cn_date"))
    if linked_cn.height:  # a customer pays what a credit note leaves of its invoice (the last payment is cut)
        last = pay.with_row_index("_p").filter(pl.col("invoice_id").is_not_null()).sort("payment_date").group_by(
            "invoice_id").agg(pl.col("_p").last())
        cut = last.join(linked_cn, on="invoice_id", how="inner")
        pay = pay.with_row_index("_p").join(cut.select("_p", "_credited", "_cn_date"), on="_p", how="left").with_columns(
            pl.when(pl.col("_credited").is_not_null() & (pl.col("payment_date") >= pl.col("_cn_date"))
                    & (pl.col("amount") - pl.col("_credited") >= 0.01))
            .then((pl.col("amount") - pl.col("_credited")).round(2)).otherwise(pl.col("amount")).alias("amount")
        ).drop("_p", "_credited", "_cn_date")
    pay = pay.join(tables["invoices"].select("invoice_id", "invoice_date", pl.col("amount").alias("inv_amt")),
                   on="invoice_id", how="left")
    u = rng.random(pay.height)
    early = pl.Series(rng.integers(1, 21, size=pay.height))
    bump = pl.Series(1.0 + rng.uniform(0.01, 0.05, size=pay.height))
    single = pl.col("amount") >= pl.col("inv_amt") - 0.005
    pay = pay.with_columns(
        pl.when(pl.Series(u < 0.001) & single & (pl.col("method") != "write_off"))
        .then(pl.col("invoice_date") - pl.duration(days=early)).otherwise(pl.col("payment_date")).alias("payment_date"),
        pl.when(pl.Series((u >= 0.001) & (u < 0.002)) & single & (pl.col("method") != "write_off"))
        .then((pl.col("amount") * bump).round(2)).otherwise(pl.col("amount")).alias("amount"))
    tables["payments"] = _conform("payments", pay.with_columns(
        pl.when(pl.col("payment_date") < start_d).then(start_d).otherwise(pl.col("payment_date"))
        .alias("payment_date")))
    parent = a["parent"]
    heads = np.unique(parent[parent >= 0])
    pooled = heads[rng.random(heads.size) < 0.4]
    if pooled.size:
        ids: pl.Series = a["customer_ids"]
        members = np.flatnonzero(np.isin(parent, pooled))
        extra = np.bincount(parent[members], weights=a["first_limit"][members], minlength=w.n)
        factor = np.where(a["first_limit"] > 0, 1.0 + extra / np.where(a["first_limit"] > 0, a["first_limit"], 1.0), 1.0)
        head_ids = ids.gather(pooled).implode()
        factors = pl.DataFrame({"customer_id": ids.gather(pooled), "_f": factor[pooled]})
        lim = tables["credit_limits"].filter(~pl.col("customer_id").is_in(ids.gather(members).implode()))
        lim = lim.join(factors, on="customer_id", how="left").with_columns(
            pl.when(pl.col("_f").is_not_null()).then(_round_limit(pl.col("limit_amt") * pl.col("_f")))
            .otherwise(pl.col("limit_amt")).alias("limit_amt"),
            pl.when(pl.col("customer_id").is_in(head_ids)).then(pl.lit("group")).alias("limit_scope"))
        tables["credit_limits"] = _conform("credit_limits", lim)


def _round_limit(expr: pl.Expr) -> pl.Expr:
    """A limit rounded down to a multiple of 10,000."""
    return (expr / 10_000.0).floor() * 10_000.0


def write_portfolio(tables: dict[str, pl.DataFrame], out_dir: Path,
                    fmt: Literal["csv", "parquet"] = "csv") -> dict[str, Path]:
    """Write each table as <out_dir>/<table>.csv (UTF-8, header, ISO dates, true/false,
    empty = null) or <table>.parquet; returns {table: path}."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, frame in tables.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            frame.write_csv(path, include_header=True, null_value="", date_format="%Y-%m-%d")
        else:
            frame.write_parquet(path)
        paths[name] = path
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate a synthetic credit portfolio in the import format.")
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end-date", type=date.fromisoformat, default=DEFAULT_END_DATE)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--out", type=Path, default=Path("sample_data/generated"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tables = generate_portfolio(args.customers, args.years, args.seed, args.end_date)
    paths = write_portfolio(tables, args.out, args.format)
    for name, path in paths.items():
        print(f"{name:14s} {tables[name].height:>12,d} rows  {path}")
    print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
