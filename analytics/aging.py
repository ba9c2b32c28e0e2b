"""Receivables aging (DOMAIN.md, Aging): pure functions on Polars frames.

Amounts are in reporting currency; `_pct` columns are in percent (0-100).
"""

from __future__ import annotations

import polars as pl


def bucket_labels(bounds_days: tuple[int, ...], by_invoice_date: bool = False) -> list[str]:
    """Labels for buckets with these upper bounds: 'not due', '1-30', ..., '> 365'.

    Aged by invoice date (days outstanding) the first bucket reads '0-30 days'
    style instead of 'not due', since nothing is 'due' in that view.
    """
    labels: list[str] = []
    lower: int | None = None
    for upper in bounds_days:
        if lower is None:
            labels.append(("0-" + str(upper) if upper > 0 else "0") if by_invoice_date
                          else ("not due" if upper == 0 else f"<= {upper}"))
        else:
            labels.append(f"{lower + 1}-{upper}")
        lower = upper
    labels.append(f"> {lower}")
    return labels


def distribution(per_bucket: pl.DataFrame, labels: list[str]) -> pl.DataFrame:
    """Every bucket (empty ones included) with its open AR, item count and share.

    Input grain: one row per bucket_idx per is_disputed (sql/queries/aging_buckets.sql).
    Output grain: one row per bucket, in bucket order; disputed items are counted
    in their bucket and also shown apart in disputed_amt.
    """
    skeleton = pl.DataFrame({"bucket_idx": list(range(len(labels))), "bucket": labels},
                            schema={"bucket_idx": pl.Int64, "bucket": pl.String})
    agg = per_bucket.group_by("bucket_idx").agg(
        pl.col("outstanding_amt").sum(),
        pl.col("items").sum(),
        pl.col("outstanding_amt").filter(pl.col("is_disputed")).sum().alias("disputed_amt"),
    ).with_columns(pl.col("bucket_idx").cast(pl.Int64))
    frame = skeleton.join(agg, on="bucket_idx", how="left").with_columns(
        pl.col("outstanding_amt").fill_null(0.0),
        pl.col("items").fill_null(0).cast(pl.Int64),
        pl.col("disputed_amt").fill_null(0.0),
    )
    total = frame["outstanding_amt"].sum()
    return frame.with_columns(
        (pl.col("outstanding_amt") / total * 100 if total else pl.lit(None, pl.Float64)).alias("share_pct")
    ).sort("bucket_idx").drop("bucket_idx")


def split_table(per_value: pl.DataFrame, labels: list[str], dimension: str) -> pl.DataFrame:
    """Open AR per bucket (columns, in bucket order) for each value of a dimension (rows).

    Input grain: one row per dimension_value per bucket_idx (sql/queries/aging_split.sql).
    Output: one row per value, largest total first, with total, overdue share and
    share over 90 days where the buckets allow it.
    """
    if per_value.height == 0:
        return pl.DataFrame(schema={dimension: pl.String, **{label: pl.Float64 for label in labels},
                                    "total_amt": pl.Float64, "overdue_pct": pl.Float64})
    names = {i: label for i, label in enumerate(labels)}
    wide = (
        per_value.with_columns(pl.col("bucket_idx").cast(pl.Int64).replace_strict(names).alias("bucket"))
        .pivot(on="bucket", index="dimension_value", values="outstanding_amt", aggregate_function="sum")
    )
    for label in labels:
        if label not in wide.columns:
            wide = wide.with_columns(pl.lit(0.0).alias(label))
    wide = wide.select("dimension_value", *labels).fill_null(0.0)
    total = pl.sum_horizontal(labels)
    current = pl.col(labels[0])
    return (
        wide.with_columns(total.alias("total_amt"))
        .with_columns(((pl.col("total_amt") - current) / pl.col("total_amt") * 100).alias("overdue_pct"))
        .sort("total_amt", descending=True)
        .rename({"dimension_value": dimension})
    )


def trend_table(per_date: pl.DataFrame, labels: list[str]) -> pl.DataFrame:
    """Open AR per bucket at every snapshot date (long format, every bucket present, with shares)."""
    if per_date.height == 0:
        return pl.DataFrame(schema={"snapshot_date": pl.Date, "bucket_idx": pl.Int64, "bucket": pl.String,
                                    "outstanding_amt": pl.Float64, "share_pct": pl.Float64})
    grid = per_date.select("snapshot_date").unique().join(
        pl.DataFrame({"bucket_idx": list(range(len(labels))), "bucket": labels},
                     schema={"bucket_idx": pl.Int64, "bucket": pl.String}), how="cross")
    frame = grid.join(per_date.with_columns(pl.col("bucket_idx").cast(pl.Int64)), on=["snapshot_date", "bucket_idx"],
                      how="left").with_columns(pl.col("outstanding_amt").fill_null(0.0))
    return frame.with_columns(
        (pl.col("outstanding_amt") / pl.col("outstanding_amt").sum().over("snapshot_date") * 100).alias("share_pct")
    ).sort(["snapshot_date", "bucket_idx"])


def bucket_items(items: pl.DataFrame, bounds_days: tuple[int, ...]) -> pl.DataFrame:
    """One customer's open items (days_past_due, outstanding_amt, is_disputed) as a distribution."""
    index = pl.lit(0, dtype=pl.Int64)
    for bound in bounds_days:
        index = index + (pl.col("days_past_due") > bound).cast(pl.Int64)
    per_bucket = items.group_by(index.alias("bucket_idx"), "is_disputed").agg(
        pl.col("outstanding_amt").sum(), pl.len().cast(pl.Int64).alias("items"))
    return distribution(per_bucket, bucket_labels(bounds_days))
