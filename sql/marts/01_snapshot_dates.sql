-- purpose: the as-of dates the dashboard offers: every month-end from the first
--          invoice month up to the last data date, plus the last data date itself.
-- parameters: none.
-- grain: one row per snapshot date; prev_month_end is the month-end before it
--        (for month-on-month changes).
create table snapshot_dates as
with bounds as (
    select
        min(inv.invoice_date) as first_date,
        greatest(
            max(inv.invoice_date),
            coalesce((select max(pay.payment_date) from payments as pay), max(inv.invoice_date))
        ) as last_date
    from invoices as inv
),
month_ends as (
    select (date_trunc('month', gs.month_start) + interval 1 month - interval 1 day)::date as snapshot_date
    from bounds as b,
        generate_series(date_trunc('month', b.first_date), date_trunc('month', b.last_date), interval 1 month)
            as gs(month_start)
),
all_dates as (
    select me.snapshot_date, true as is_month_end
    from month_ends as me, bounds as b
    where me.snapshot_date <= b.last_date
    union
    select b.last_date as snapshot_date, b.last_date = (date_trunc('month', b.last_date) + interval 1 month - interval 1 day)::date as is_month_end
    from bounds as b
),
final as (
    select
        ad.snapshot_date,
        bool_or(ad.is_month_end) as is_month_end,
        (date_trunc('month', ad.snapshot_date) - interval 1 day)::date as prev_month_end
    from all_dates as ad
    group by ad.snapshot_date
    order by ad.snapshot_date
)
select * from final;
