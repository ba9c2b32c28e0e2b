-- purpose: the as-of dates with pre-built snapshots: every month-end from the month of the
--          first document up to the month-end that closes the extraction date's month, and
--          the extraction date itself. cutoff_date = least(snapshot date, extraction date):
--          nothing dated after it counts at that snapshot (a month-end after the extraction
--          date shows the ledger as taken, aged at the month-end). Other dates up to the
--          extraction date are built on demand from the same marts (analytics.warehouse).
-- parameters: $extracted_on (date: the day the data was taken).
-- grain: one row per snapshot date; prev_month_end is the month-end before it (the start of
--        its period).
create table snapshot_dates as
with bounds as (
    select
        least(
            (select min(inv.invoice_date) from invoices as inv),
            coalesce((select min(pay.payment_date) from payments as pay), date '9999-12-31'),
            coalesce((select min(ord.order_date) from orders as ord), date '9999-12-31'),
            $extracted_on::date
        ) as first_date,
        $extracted_on::date as extracted_on
),
month_ends as (
    select last_day(gs.month_start)::date as snapshot_date
    from bounds as b,
        generate_series(date_trunc('month', b.first_date), date_trunc('month', b.extracted_on), interval 1 month)
            as gs (month_start)
),
all_dates as (
    select me.snapshot_date from month_ends as me
    union
    select b.extracted_on as snapshot_date from bounds as b
),
final as (
    select
        ad.snapshot_date,
        ad.snapshot_date = last_day(ad.snapshot_date) as is_month_end,
        (date_trunc('month', ad.snapshot_date) - interval 1 day)::date as prev_month_end,
        least(ad.snapshot_date, b.extracted_on) as cutoff_date,
        ad.snapshot_date = b.extracted_on as is_extraction_date
    from all_dates as ad
    cross join bounds as b
    order by ad.snapshot_date
)
select * from final;
