-- purpose: the exposure picture of every customer at every snapshot date: open AR (open
--          items less the credit balance, so it may be negative), its not-due and overdue
--          part after credits, the days past due of the oldest undisputed and disputed open
--          items apart, open orders, gross exposure (never negative: a credit balance is money
--          we owe), the credit line the customer draws on and that line's exposure, the grade
--          in force, collateral and insured cover, net exposure.
--          Credit lines: a customer's own limit in force; else its group parent's limit, when
--          the parent's limit covers the group (limit_scope group or empty); the line's
--          holder (the customer, or the parent of a group line) carries it. Amounts in
--          reporting currency at the closing rate of the date.
-- parameters: $extracted_on (date: orders marked invoiced or cancelled without their date
--             close on it).
-- grain: one row per customer per snapshot date (from onboarding or first document on).
create table customer_snapshot as
with base as (
    select
        c.customer_id,
        c.name,
        c.parent_id,
        cd.group_id,
        cd.is_group_parent,
        c.segment,
        c.industry,
        c.region,
        c.country,
        c.credit_manager,
        sd.snapshot_date,
        sd.cutoff_date
    from customers as c
    join customer_dims as cd on cd.customer_id = c.customer_id
    cross join snapshot_dates as sd
    where coalesce(least(c.onboarded_on, cd.first_document_date), date '1900-01-01') <= sd.snapshot_date
),
ar as (
    select
        oi.customer_id,
        oi.snapshot_date,
        coalesce(sum(oi.outstanding_amt) filter (where not oi.is_credit), 0) as items_amt,
        coalesce(sum(oi.outstanding_amt) filter (where oi.is_credit), 0) as credit_balance_amt,
        coalesce(sum(oi.outstanding_amt) filter (where oi.days_past_due <= 0), 0) as not_due_amt,
        coalesce(sum(oi.outstanding_amt) filter (where oi.days_past_due > 0), 0) as overdue_amt,
        coalesce(sum(oi.outstanding_amt) filter (where oi.days_past_due > 90), 0) as overdue_90_amt,
        coalesce(sum(oi.outstanding_amt) filter (where oi.days_past_due > 90 and not oi.is_disputed
                                                   and not oi.is_credit), 0) as overdue_90_undisputed_amt,
        coalesce(sum(oi.outstanding_amt) filter (where oi.is_disputed), 0) as disputed_amt,
        max(oi.days_past_due) filter (where not oi.is_credit and not oi.is_disputed) as max_days_past_due,
        max(oi.days_past_due) filter (where oi.is_disputed) as max_disputed_days_past_due,
        count(*) filter (where not oi.is_credit) as open_items_count,
        coalesce(sum(oi.credit_applied_amt), 0) as credit_applied_amt
    from open_items_snapshot as oi
    group by oi.customer_id, oi.snapshot_date
),
open_orders as (
    select o.customer_id, sd.snapshot_date, sum(o.amount * fx.rate_to_reporting) as open_orders_amt
    from orders as o
    join snapshot_dates as sd
        on o.order_date <= sd.cutoff_date
        and sd.cutoff_date < coalesce(
            o.invoiced_on, o.cancelled_on,
            case when o.status in ('invoiced', 'cancelled') then $extracted_on::date end,
            date '9999-12-31')
    join fx_snapshot as fx on fx.currency = o.currency and fx.snapshot_date = sd.snapshot_date
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
        on col.valid_from <= sd.cutoff_date
        and sd.snapshot_date <= coalesce(col.valid_to, date '9999-12-31')
    join fx_snapshot as fx on fx.currency = col.currency and fx.snapshot_date = sd.snapshot_date
    group by col.customer_id, sd.snapshot_date
),
own_limit as (
    select
        b.customer_id,
        b.snapshot_date,
        lim.limit_amt * fx.rate_to_reporting as limit_amt,
        lim.limit_scope,
        lim.effective_from,
        lim.expires_on
    from base as b
    asof join credit_limits as lim
        on b.customer_id = lim.customer_id and b.cutoff_date >= lim.effective_from
    left join fx_snapshot as fx on fx.currency = lim.currency and fx.snapshot_date = b.snapshot_date
),
with_line as (
    select
        b.*,
        ol.limit_amt as own_limit_amt,
        case
            when ol.limit_amt is not null then b.customer_id
            when pl.limit_amt is not null and coalesce(pl.limit_scope, 'group') = 'group' then b.parent_id
        end as line_holder_id,
        case
            when ol.limit_amt is not null then
                case when b.is_group_parent and coalesce(ol.limit_scope, 'group') = 'group' then 'group'
                     else 'entity' end
            when pl.limit_amt is not null and coalesce(pl.limit_scope, 'group') = 'group' then 'group'
        end as line_scope,
        case when ol.limit_amt is not null then ol.limit_amt
             when coalesce(pl.limit_scope, 'group') = 'group' then pl.limit_amt end as limit_amt,
        case when ol.limit_amt is not null then ol.effective_from
             when coalesce(pl.limit_scope, 'group') = 'group' then pl.effective_from end as limit_effective_from,
        case when ol.limit_amt is not null then ol.expires_on
             when coalesce(pl.limit_scope, 'group') = 'group' then pl.expires_on end as limit_expires_on
    from base as b
    left join own_limit as ol on ol.customer_id = b.customer_id and ol.snapshot_date = b.snapshot_date
    left join own_limit as pl on pl.customer_id = b.parent_id and pl.snapshot_date = b.snapshot_date
),
with_rating as (
    select
        wl.*,
        rt.grade,
        rt.pd as rating_pd,
        rt.rated_on
    from with_line as wl
    asof left join ratings as rt
        on wl.customer_id = rt.customer_id and wl.cutoff_date >= rt.rated_on
),
amounts as (
    select
        wr.*,
        coalesce(ar.items_amt, 0) + coalesce(ar.credit_balance_amt, 0) as open_ar_amt,
        coalesce(ar.credit_balance_amt, 0) as credit_balance_amt,
        coalesce(ar.credit_applied_amt, 0) as credit_applied_amt,
        coalesce(ar.not_due_amt, 0) as not_due_amt,
        coalesce(ar.overdue_amt, 0) as overdue_amt,
        coalesce(ar.overdue_90_amt, 0) as overdue_90_amt,
        coalesce(ar.overdue_90_undisputed_amt, 0) as overdue_90_undisputed_amt,
        coalesce(ar.disputed_amt, 0) as disputed_amt,
        ar.max_days_past_due,
        ar.max_disputed_days_past_due,
        coalesce(ar.open_items_count, 0) as open_items_count,
        coalesce(oo.open_orders_amt, 0) as open_orders_amt,
        greatest(0, coalesce(ar.items_amt, 0) + coalesce(ar.credit_balance_amt, 0)
                    + coalesce(oo.open_orders_amt, 0)) as gross_exposure_amt,
        coalesce(cv.collateral_amt, 0) as collateral_amt,
        coalesce(cv.insured_amt, 0) as insured_amt
    from with_rating as wr
    left join ar on ar.customer_id = wr.customer_id and ar.snapshot_date = wr.snapshot_date
    left join open_orders as oo on oo.customer_id = wr.customer_id and oo.snapshot_date = wr.snapshot_date
    left join cover as cv on cv.customer_id = wr.customer_id and cv.snapshot_date = wr.snapshot_date
),
-- a group line's exposure is its members'; an entity line's is the customer's own
lines as (
    select am.line_holder_id, am.snapshot_date, sum(am.gross_exposure_amt) as line_exposure_amt
    from amounts as am
    where am.line_scope = 'group'
    group by am.line_holder_id, am.snapshot_date
),
final as (
    select
        am.snapshot_date,
        am.customer_id,
        am.name,
        am.group_id,
        am.segment,
        am.industry,
        am.region,
        am.country,
        am.credit_manager,
        am.grade,
        am.rating_pd,
        am.rated_on,
        am.open_ar_amt,
        am.credit_balance_amt,
        am.credit_applied_amt,
        am.not_due_amt,
        am.overdue_amt,
        am.overdue_90_amt,
        am.overdue_90_undisputed_amt,
        am.disputed_amt,
        am.max_days_past_due,
        am.max_disputed_days_past_due,
        am.open_items_count,
        am.open_orders_amt,
        am.gross_exposure_amt,
        am.own_limit_amt,
        am.limit_amt,
        am.line_holder_id,
        am.line_scope,
        coalesce(am.line_holder_id = am.customer_id, false) as is_line_holder,
        case when am.line_scope = 'group' then ln.line_exposure_amt
             when am.line_holder_id is not null then am.gross_exposure_amt end as line_exposure_amt,
        am.limit_effective_from,
        am.limit_expires_on,
        coalesce(am.limit_expires_on < am.snapshot_date, false) as is_limit_expired,
        am.collateral_amt,
        am.insured_amt,
        greatest(0, am.gross_exposure_amt - am.collateral_amt - am.insured_amt) as net_exposure_amt
    from amounts as am
    left join lines as ln on ln.line_holder_id = am.line_holder_id and ln.snapshot_date = am.snapshot_date
    order by am.snapshot_date, am.customer_id
)
select * from final;
