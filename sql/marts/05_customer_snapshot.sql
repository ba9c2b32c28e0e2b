-- purpose: the exposure picture of every customer at every snapshot date:
--          open AR and its overdue part, open orders, gross exposure, the limit
--          in force, the grade in force, collateral and insured cover, net exposure.
--          Amounts in reporting currency at the closing rate of the date.
-- parameters: none.
-- grain: one row per customer per snapshot date (from onboarding or first invoice on).
create table customer_snapshot as
with first_invoice as (
    select inv.customer_id, min(inv.invoice_date) as first_invoice_date
    from invoices as inv
    group by inv.customer_id
),
base as (
    select
        c.customer_id,
        c.name,
        coalesce(c.parent_id, c.customer_id) as group_id,
        c.segment,
        c.industry,
        c.region,
        c.country,
        c.credit_manager,
        sd.snapshot_date
    from customers as c
    left join first_invoice as fi on fi.customer_id = c.customer_id
    cross join snapshot_dates as sd
    where coalesce(least(c.onboarded_on, fi.first_invoice_date), date '1900-01-01') <= sd.snapshot_date
),
ar as (
    select
        oi.customer_id,
        oi.snapshot_date,
        sum(oi.outstanding_amt) as open_ar_amt,
        coalesce(sum(oi.outstanding_amt) filter (where oi.days_past_due <= 0), 0) as not_due_amt,
        coalesce(sum(oi.outstanding_amt) filter (where oi.days_past_due > 0), 0) as overdue_amt,
        coalesce(sum(oi.outstanding_amt) filter (where oi.days_past_due > 90), 0) as overdue_90_amt,
        coalesce(sum(oi.outstanding_amt) filter (where oi.is_disputed), 0) as disputed_amt,
        max(oi.days_past_due) filter (where oi.outstanding_amt > 0) as max_days_past_due,
        count(*) as open_items_count
    from open_items_snapshot as oi
    group by oi.customer_id, oi.snapshot_date
),
open_orders as (
    select o.customer_id, sd.snapshot_date, sum(o.amount * fx.rate_to_reporting) as open_orders_amt
    from orders as o
    join snapshot_dates as sd
        on o.order_date <= sd.snapshot_date
        and sd.snapshot_date < coalesce(o.invoiced_on, date '9999-12-31')
    join fx_snapshot as fx on fx.currency = o.currency and fx.snapshot_date = sd.snapshot_date
    where o.status <> 'cancelled'
    group by o.customer_id, sd.snapshot_date
),
cover as (
    select
        col.customer_id,
        sd.snapshot_date,
        coalesce(sum(col.amount * fx.rate_to_reporting)
            filter (where col.collateral_type <> 'credit_insurance'), 0) as collateral_amt,
        coalesce(sum(col.amount * fx.rate_to_reporting)
            filter (where col.collateral_type = 'credit_insurance'), 0) as insured_amt
    from collateral as col
    join snapshot_dates as sd
        on col.valid_from <= sd.snapshot_date
        and sd.snapshot_date <= coalesce(col.valid_to, date '9999-12-31')
    join fx_snapshot as fx on fx.currency = col.currency and fx.snapshot_date = sd.snapshot_date
    group by col.customer_id, sd.snapshot_date
),
with_limit as (
    select
        b.*,
        lim.limit_amt * fx.rate_to_reporting as limit_amt,
        lim.effective_from as limit_effective_from,
        lim.expires_on as limit_expires_on
    from base as b
    asof left join credit_limits as lim
        on b.customer_id = lim.customer_id and b.snapshot_date >= lim.effective_from
    left join fx_snapshot as fx on fx.currency = lim.currency and fx.snapshot_date = b.snapshot_date
),
with_rating as (
    select
        wl.*,
        rt.grade,
        rt.pd as rating_pd,
        rt.rated_on
    from with_limit as wl
    asof left join ratings as rt
        on wl.customer_id = rt.customer_id and wl.snapshot_date >= rt.rated_on
),
final as (
    select
        wr.snapshot_date,
        wr.customer_id,
        wr.name,
        wr.group_id,
        wr.segment,
        wr.industry,
        wr.region,
        wr.country,
        wr.credit_manager,
        wr.grade,
        wr.rating_pd,
        wr.rated_on,
        coalesce(ar.open_ar_amt, 0) as open_ar_amt,
        coalesce(ar.not_due_amt, 0) as not_due_amt,
        coalesce(ar.overdue_amt, 0) as overdue_amt,
        coalesce(ar.overdue_90_amt, 0) as overdue_90_amt,
        coalesce(ar.disputed_amt, 0) as disputed_amt,
        ar.max_days_past_due,
        coalesce(ar.open_items_count, 0) as open_items_count,
        coalesce(oo.open_orders_amt, 0) as open_orders_amt,
        coalesce(ar.open_ar_amt, 0) + coalesce(oo.open_orders_amt, 0) as gross_exposure_amt,
        wr.limit_amt,
        wr.limit_effective_from,
        wr.limit_expires_on,
        coalesce(wr.limit_expires_on < wr.snapshot_date, false) as is_limit_expired,
        coalesce(cv.collateral_amt, 0) as collateral_amt,
        coalesce(cv.insured_amt, 0) as insured_amt,
        greatest(
            0,
            coalesce(ar.open_ar_amt, 0) + coalesce(oo.open_orders_amt, 0)
            - coalesce(cv.collateral_amt, 0) - coalesce(cv.insured_amt, 0)
        ) as net_exposure_amt
    from with_rating as wr
    left join ar on ar.customer_id = wr.customer_id and ar.snapshot_date = wr.snapshot_date
    left join open_orders as oo on oo.customer_id = wr.customer_id and oo.snapshot_date = wr.snapshot_date
    left join cover as cv on cv.customer_id = wr.customer_id and cv.snapshot_date = wr.snapshot_date
    order by wr.snapshot_date, wr.customer_id
)
select * from final;
