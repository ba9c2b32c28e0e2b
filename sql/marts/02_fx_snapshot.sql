-- purpose: closing rate of every currency in use at every snapshot date: the latest rate on
--          or before the date. Before a currency's first rate there is none (the loader
--          refuses documents dated then), unless the policy says to use the earliest rate.
-- parameters: $reporting_currency (ISO code; its rate is 1), $fx_earliest (boolean: [fx]
--             missing_rate = "earliest").
-- grain: one row per currency per snapshot date.
create table fx_snapshot as
with currencies as (
    select distinct inv.currency from invoices as inv
    union
    select distinct pay.currency from payments as pay
    union
    select distinct ord.currency from orders as ord
    union
    select distinct lim.currency from credit_limits as lim
    union
    select distinct col.currency from collateral as col
    union
    select $reporting_currency as currency
),
grid as (
    select cur.currency, sd.snapshot_date
    from currencies as cur
    cross join snapshot_dates as sd
    where cur.currency is not null
),
first_rates as (
    select fx.currency, arg_min(fx.rate_to_reporting, fx.rate_date) as first_rate
    from fx_rates as fx
    group by fx.currency
),
final as (
    select
        g.currency,
        g.snapshot_date,
        case
            when g.currency = $reporting_currency then 1.0
            when $fx_earliest::boolean then coalesce(r.rate_to_reporting, fr.first_rate)
            else r.rate_to_reporting
        end as rate_to_reporting
    from grid as g
    asof left join fx_rates as r
        on g.currency = r.currency and g.snapshot_date >= r.rate_date
    left join first_rates as fr on fr.currency = g.currency
)
select * from final;
