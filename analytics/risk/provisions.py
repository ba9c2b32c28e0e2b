"""Roll rates and the IFRS 9 simplified-approach provision matrix (docs/definitions.md, Roll rates).

Input grain of the roll rates: one row per month-end m, bucket at m (from_idx) and
state at the next month-end (to_idx: a bucket index, PAID or WRITTEN_OFF), with the
balance at m (from_amt) and, for items still open, the balance at m+1 (to_amt), or
the amount written off (sql/queries/roll_transitions.sql). Amounts in reporting
currency; rates are fractions (0.05 = 5 %), `_pct` columns percent.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from analytics.i18n import N_, _

PAID = -1
WRITTEN_OFF = -2


def roll_rates(transitions: pl.DataFrame, n_buckets: int) -> pl.DataFrame:
    """Average monthly roll rates, bucket to next bucket, amount-weighted over the window.

    roll(k) = balance of bucket k at m found in bucket k+1 at m+1 (or written off on
    the way), summed over the months of the window / bucket-k balance at m, summed.
    The last bucket is open-ended: an item can sit in it for many months, so a monthly
    flow into write-off would understate its loss. Its rate is the share written off
    of the last-bucket balance that was resolved (paid or written off) in the window.
    One row per bucket: from_amt (all balances at m), basis_amt (the denominator),
    rolled_amt (the numerator), roll_rate_frac.
    """
    last = n_buckets - 1
    is_last = pl.col("from_idx") == last
    closed = pl.col("to_idx").is_in([PAID, WRITTEN_OFF])
    rolled = (
        pl.when(~is_last & (pl.col("to_idx") == pl.col("from_idx") + 1)).then(pl.col("to_amt"))
        .when(pl.col("to_idx") == WRITTEN_OFF).then(pl.col("to_amt"))
        .otherwise(0.0)
    )
    basis = pl.when(~is_last | closed).then(pl.col("from_amt")).otherwise(0.0)
    agg = transitions.group_by("from_idx").agg(
        pl.col("from_amt").sum(), basis.sum().alias("basis_amt"), rolled.sum().alias("rolled_amt"))
    skeleton = pl.DataFrame({"from_idx": list(range(n_buckets))}, schema={"from_idx": pl.Int64})
    return (
        skeleton.join(agg.with_columns(pl.col("from_idx").cast(pl.Int64)), on="from_idx", how="left")
        .with_columns(pl.col("from_amt", "basis_amt", "rolled_amt").fill_null(0.0))
        .with_columns(
            pl.when(pl.col("basis_amt") > 0).then(pl.col("rolled_amt") / pl.col("basis_amt")).alias("roll_rate_frac"))
        .sort("from_idx")
    )


def monthly_roll_rates(transitions: pl.DataFrame, n_buckets: int) -> pl.DataFrame:
    """Roll rates month by month (one row per month-end per bucket), for the trend chart."""
    months = transitions["month_end"].unique().sort().to_list()
    frames = [roll_rates(transitions.filter(pl.col("month_end") == m), n_buckets).with_columns(
        pl.lit(m).alias("month_end")) for m in months]
    return pl.concat(frames) if frames else pl.DataFrame(
        schema={"from_idx": pl.Int64, "from_amt": pl.Float64, "basis_amt": pl.Float64, "rolled_amt": pl.Float64,
                "roll_rate_frac": pl.Float64, "month_end": pl.Date})


def loss_rates(roll: list[float | None]) -> list[float | None]:
    """Loss rate of bucket k = product of the roll rates from k to write-off (None if a rate is unknown)."""
    out: list[float | None] = []
    for k in range(len(roll)):
        product: float | None = 1.0
        for rate in roll[k:]:
            if rate is None or product is None:
                product = None
                break
            product *= rate
        out.append(product)
    return out


def parse_rates(text: str, n_buckets: int) -> list[float]:
    """Loss rates typed by a user: '0.3%,1.6%,...' (percent) or '0.003,0.016,...' (fractions).

    Raises ValueError with a message naming the bad entry.
    """
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) != n_buckets:
        raise ValueError(_("{given} rates given for {n} buckets; give one rate per bucket").format(
            given=len(parts), n=n_buckets))
    rates = []
    for part in parts:
        try:
            rate = float(part[:-1]) / 100 if part.endswith("%") else float(part)
        except ValueError:
            raise ValueError(_("{entry} is not a rate (use 0.016 or 1.6%)").format(entry=repr(part))) from None
        if not 0 <= rate <= 1:
            raise ValueError(_("{entry} is outside 0-100 %").format(entry=repr(part)))
        rates.append(rate)
    return rates


def parse_buckets(text: str) -> tuple[int, ...]:
    """Upper dpd bounds '0,30,60,90' -> (0, 30, 60, 90); strictly increasing, >= 0."""
    try:
        bounds = tuple(int(p) for p in text.split(",") if p.strip())
    except ValueError:
        raise ValueError(_("--buckets {text}: give whole days separated by commas, e.g. 0,30,60,90").format(
            text=repr(text))) from None
    if not bounds or list(bounds) != sorted(set(bounds)) or bounds[0] < 0:
        raise ValueError(_("--buckets {text}: the bounds must be strictly increasing whole days >= 0").format(
            text=repr(text)))
    return bounds


DERIVED = N_("derived from roll rates")  # ProvisionMatrix.source: machine values, shown through _()
ENTERED = N_("entered")
TOTAL = N_("total")  # the bucket of with_total()'s total row


@dataclass(frozen=True)
class ProvisionMatrix:
    """The provision matrix at one date: per bucket balance, loss rate and ECL; totals."""

    buckets: pl.DataFrame  # bucket, gross_carrying_amt, loss_rate_frac (after the overlay), ecl_amt
    overlay_factor: float
    source: str  # DERIVED or ENTERED
    base_rates: tuple[float | None, ...] = ()  # the loss rates before the overlay, one per bucket

    @property
    def total_before_overlay(self) -> float:
        """Σ gross carrying amount × loss rate before the forward-looking overlay (an unknown rate
        provides nothing, as in the matrix)."""
        if len(self.base_rates) != self.buckets.height:
            return self.total_ecl / self.overlay_factor if self.overlay_factor else self.total_ecl
        return float(sum(g * (r or 0.0) for g, r in zip(self.buckets["gross_carrying_amt"].to_list(),
                                                         self.base_rates)))

    @property
    def total_gross(self) -> float:
        return float(self.buckets["gross_carrying_amt"].sum())

    @property
    def total_ecl(self) -> float:
        return float(self.buckets["ecl_amt"].sum())

    @property
    def coverage_pct(self) -> float | None:
        """Total ECL / total gross carrying amount, in percent (None without balances)."""
        return self.total_ecl / self.total_gross * 100 if self.total_gross else None

    def with_total(self) -> pl.DataFrame:
        """The table with a total row (coverage = total ECL / total gross)."""
        total = pl.DataFrame({
            "bucket": [TOTAL], "gross_carrying_amt": [self.total_gross],
            "loss_rate_frac": [self.total_ecl / self.total_gross if self.total_gross else None],
            "ecl_amt": [self.total_ecl],
        }, schema=self.buckets.schema)
        return pl.concat([self.buckets, total])


def provision_matrix(balances: pl.DataFrame, rates: list[float | None], overlay_factor: float = 1.0,
                     source: str = DERIVED) -> ProvisionMatrix:
    """Lifetime ECL per bucket = gross balance x loss rate x forward-looking overlay.

    balances: one row per bucket in order (bucket, outstanding_amt). A bucket whose
    rate is unknown (no history) provides nothing and says so with a null rate.
    """
    if len(rates) != balances.height:
        raise ValueError(_("{given} loss rates for {n} buckets").format(given=len(rates), n=balances.height))
    frame = balances.select(
        pl.col("bucket"), pl.col("outstanding_amt").alias("gross_carrying_amt"),
    ).with_columns(
        pl.Series("loss_rate_frac", [None if r is None else min(1.0, r * overlay_factor) for r in rates],
                  dtype=pl.Float64),
    ).with_columns((pl.col("gross_carrying_amt") * pl.col("loss_rate_frac")).fill_null(0.0).alias("ecl_amt"))
    return ProvisionMatrix(frame, overlay_factor, source, tuple(None if r is None else float(r) for r in rates))


def segment_ecl(per_value: pl.DataFrame, loss_rates_used: list[float | None]) -> pl.DataFrame:
    """ECL by segment: each segment's bucket balances times the matrix's loss rates (fractions),
    with coverage = ECL / gross carrying amount in percent.

    Input grain: one row per dimension_value per bucket_idx (sql/queries/aging_split.sql).
    Output: segment, gross_carrying_amt, ecl_amt, coverage_pct; largest balance first."""
    rate = pl.col("bucket_idx").cast(pl.Int64).replace_strict(
        {i: (r or 0.0) for i, r in enumerate(loss_rates_used)}, return_dtype=pl.Float64)
    return (
        per_value.with_columns((pl.col("outstanding_amt") * rate).alias("ecl_amt"))
        .group_by("dimension_value")
        .agg(pl.col("outstanding_amt").sum().alias("gross_carrying_amt"), pl.col("ecl_amt").sum())
        .with_columns(pl.when(pl.col("gross_carrying_amt") != 0).then(pl.col("ecl_amt") / pl.col("gross_carrying_amt") * 100)
                      .alias("coverage_pct"))
        .rename({"dimension_value": "segment"})
        .sort("gross_carrying_amt", descending=True)
    )
