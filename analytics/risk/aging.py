"""Receivables aging (docs/definitions.md, Aging): pure functions on Polars frames.

Amounts are in reporting currency; `_pct` columns are in percent (0-100).
"""

from __future__ import annotations

import polars as pl

from analytics.i18n import N_, _

# The bucket labels are machine values (column names, the CLI's JSON, the tests); the two that
# are words are translated where they are shown (shown_bucket), '1-30' or '> 365' read alike.
NOT_DUE_LABEL = N_("not due")
CREDITS_LABEL = N_("unapplied cash / credits")
CREDITS_IDX = -1  # bucket_idx of the unused credits (credit balances) in the aging queries


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
                          else (NOT_DUE_LABEL if upper == 0 else f"<= {upper}"))
        else:
            labels.append(f"{lower + 1}-{upper}")
        lower = upper
    labels.append(f"> {lower}")
    return labels


def shown_bucket(label: str) -> str:
    """A bucket's label as the reader sees it, in the current language ('not due' -> '未到期')."""
    return _(label) if label in (NOT_DUE_LABEL, CREDITS_LABEL) else label


def with_shown_buckets(frame: pl.DataFrame, column: str = "bucket") -> pl.DataFrame:
    """The frame with its bucket labels (values of `column`, and columns named after a bucket)
    as the reader sees them: for tables and exports on screen, not for further computing."""
    if column in frame.columns and frame.schema[column] == pl.String:
        frame = frame.with_columns(pl.col(column).replace({k: shown_bucket(k) for k in (NOT_DUE_LABEL, CREDITS_LABEL)}))
    renames = {c: shown_bucket(c) for c in frame.columns
               if shown_bucket(c) != c and shown_bucket(c) not in frame.columns}
    return frame.rename(renames) if renames else frame


def distribution(per_bucket: pl.DataFrame, labels: list[str]) -> pl.DataFrame:
    """Every bucket (empty ones included) with its open AR, item count and share, then the
    line of unused credits (cash on account, credit notes, overpayments: negative).

    Input grain: one row per bucket_idx per is_disputed (sql/queries/aging_buckets.sql;
    bucket_idx -1 = credits). Output grain: one row per bucket in bucket order, then the
    credits line; disputed items are counted in their bucket and also shown apart in
    disputed_amt. share_pct is each line's share of the open items (the credits line's is
    negative: what the credit balances take off them); the lines add up to open AR after
    credits.
    """
    skeleton = pl.DataFrame({"bucket_idx": [*range(len(labels)), CREDITS_IDX], "bucket": [*labels, CREDITS_LABEL]},
                            schema={"bucket_idx": pl.Int64, "bucket": pl.String})
    agg = per_bucket.group_by("bucket_idx").agg(
        pl.col("outstanding_amt").sum(),
        pl.col("items").sum(),
        pl.col("outstanding_amt").filter(pl.col("is_disputed")).sum().alias("disputed_amt"),
    ).with_columns(pl.col("bucket_idx").cast(pl.Int64))
    frame = skeleton.join(agg, on="bucket_idx", how="left", maintain_order="left").with_columns(
        pl.col("outstanding_amt").fill_null(0.0),
        pl.col("items").fill_null(0).cast(pl.Int64),
        pl.col("disputed_amt").fill_null(0.0),
    )
    is_item = pl.col("bucket_idx") >= 0
    items_total = frame.filter(is_item)["outstanding_amt"].sum()
    return frame.with_columns(
        pl.when(items_total > 0).then(pl.col("outstanding_amt") / items_total * 100)
        .otherwise(None).alias("share_pct")
    ).drop("bucket_idx")


def items_only(dist: pl.DataFrame) -> pl.DataFrame:
    """The aging buckets of a distribution without the credits line."""
    return dist.filter(pl.col("bucket") != CREDITS_LABEL)


def credits_amt(dist: pl.DataFrame) -> float:
    """The unused credits of a distribution (0 or negative)."""
    return float(dist.filter(pl.col("bucket") == CREDITS_LABEL)["outstanding_amt"].sum())


def split_table(per_value: pl.DataFrame, labels: list[str], dimension: str) -> pl.DataFrame:
    """Open AR per bucket (columns, in bucket order) and the unused credits for each value of
    a dimension (rows).

    Input grain: one row per dimension_value per bucket_idx (sql/queries/aging_split.sql).
    Output: one row per value, largest total first, with the credits, the total (open AR
    after credits) and the overdue share of its open items.
    """
    columns = [*labels, CREDITS_LABEL]
    if per_value.height == 0:
        return pl.DataFrame(schema={dimension: pl.String, **{label: pl.Float64 for label in columns},
                                    "total_amt": pl.Float64, "overdue_pct": pl.Float64})
    names = {i: label for i, label in enumerate(labels)} | {CREDITS_IDX: CREDITS_LABEL}
    wide = (
        per_value.with_columns(pl.col("bucket_idx").cast(pl.Int64).replace_strict(names).alias("bucket"))
        .pivot(on="bucket", index="dimension_value", values="outstanding_amt", aggregate_function="sum")
    )
    for label in columns:
        if label not in wide.columns:
            wide = wide.with_columns(pl.lit(0.0).alias(label))
    wide = wide.select("dimension_value", *columns).fill_null(0.0)
    items = pl.sum_horizontal(labels)
    current = pl.col(labels[0])
    return (
        wide.with_columns((items + pl.col(CREDITS_LABEL)).alias("total_amt"),
                          pl.when(items > 0).then((items - current) / items * 100).alias("overdue_pct"))
        .sort("total_amt", descending=True)
        .rename({"dimension_value": dimension})
    )


def bucket_shares_pct(split: pl.DataFrame, labels: list[str]) -> pl.DataFrame:
    """Each row's open items per bucket as a share of that row's open items (credits left out),
    in percent; 0 for a row without open items. Input: a split_table frame."""
    items = pl.sum_horizontal(labels)
    return split.with_columns([pl.when(items > 0).then(pl.col(label) / items * 100).otherwise(0.0).alias(label)
                               for label in labels])


def currency_table(per_currency: pl.DataFrame, labels: list[str]) -> pl.DataFrame:
    """Open items per bucket and unused credits per document currency, in that currency, with
    the total in the currency (total_doc_ccy) and in reporting currency (total_amt).

    Input grain: one row per currency per bucket_idx (sql/queries/aging_currency.sql)."""
    columns = [*labels, CREDITS_LABEL]
    if per_currency.height == 0:
        return pl.DataFrame(schema={"currency": pl.String, **{label: pl.Float64 for label in columns},
                                    "total_doc_ccy": pl.Float64, "total_amt": pl.Float64})
    names = {i: label for i, label in enumerate(labels)} | {CREDITS_IDX: CREDITS_LABEL}
    wide = (per_currency.with_columns(pl.col("bucket_idx").cast(pl.Int64).replace_strict(names).alias("bucket"))
            .pivot(on="bucket", index="currency", values="outstanding_doc_ccy", aggregate_function="sum"))
    for label in columns:
        if label not in wide.columns:
            wide = wide.with_columns(pl.lit(0.0).alias(label))
    totals = per_currency.group_by("currency").agg(pl.col("outstanding_amt").sum().alias("total_amt"))
    return (wide.select("currency", *columns).fill_null(0.0)
            .with_columns(pl.sum_horizontal(columns).alias("total_doc_ccy"))
            .join(totals, on="currency", how="left")
            .sort("total_amt", descending=True))


def trend_table(per_date: pl.DataFrame, labels: list[str]) -> pl.DataFrame:
    """Open AR per bucket at every snapshot date (long format, every bucket present, then the
    credits line), with each bucket's share of that date's open items."""
    if per_date.height == 0:
        return pl.DataFrame(schema={"snapshot_date": pl.Date, "bucket_idx": pl.Int64, "bucket": pl.String,
                                    "outstanding_amt": pl.Float64, "share_pct": pl.Float64})
    grid = per_date.select("snapshot_date").unique().join(
        pl.DataFrame({"bucket_idx": [*range(len(labels)), CREDITS_IDX], "bucket": [*labels, CREDITS_LABEL]},
                     schema={"bucket_idx": pl.Int64, "bucket": pl.String}), how="cross")
    frame = grid.join(per_date.with_columns(pl.col("bucket_idx").cast(pl.Int64)), on=["snapshot_date", "bucket_idx"],
                      how="left").with_columns(pl.col("outstanding_amt").fill_null(0.0))
    is_item = pl.col("bucket_idx") >= 0
    items_total = pl.col("outstanding_amt").filter(is_item).sum().over("snapshot_date")
    return frame.with_columns(
        pl.when(items_total > 0).then(pl.col("outstanding_amt") / items_total * 100).alias("share_pct")
    ).sort(["snapshot_date", pl.col("bucket_idx").replace(CREDITS_IDX, len(labels))])


def bucket_items(items: pl.DataFrame, bounds_days: tuple[int, ...]) -> pl.DataFrame:
    """One customer's open items (days_past_due, outstanding_amt, is_disputed; credits have no
    days past due) as a distribution."""
    index = pl.lit(0, dtype=pl.Int64)
    for bound in bounds_days:
        index = index + (pl.col("days_past_due") > bound).cast(pl.Int64)
    index = pl.when(pl.col("days_past_due").is_null()).then(pl.lit(CREDITS_IDX, dtype=pl.Int64)).otherwise(index)
    per_bucket = items.group_by(index.alias("bucket_idx"), "is_disputed").agg(
        pl.col("outstanding_amt").sum(), pl.len().cast(pl.Int64).alias("items"))
    return distribution(per_bucket, bucket_labels(bounds_days))
