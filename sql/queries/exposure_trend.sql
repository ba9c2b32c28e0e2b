-- purpose: portfolio exposure and limits month by month (all snapshot dates),
--          after the sidebar filters, from the pre-aggregated portfolio_trend mart.
-- parameters: $segments, $industries, $regions, $managers, $groups (varchar
--             lists; empty = no filter).
-- grain: one row per snapshot date.
with filtered as (
    select pt.*
    from portfolio_trend as pt
    where (len($segments::varchar[]) = 0 or list_contains($segments::varchar[], pt.segment))
        and (len($industries::varchar[]) = 0 or list_contains($industries::varchar[], pt.industry))
        and (len($regions::varchar[]) = 0 or list_contains($regions::varchar[], pt.region))
        and (len($managers::varchar[]) = 0 or list_contains($managers::varchar[], pt.credit_manager))
        and (len($groups::varchar[]) = 0 or list_contains($groups::varchar[], pt.group_key))
),
final as (
    select
        f.snapshot_date,
        sum(f.open_ar_amt) as open_ar_amt,
        sum(f.overdue_amt) as overdue_amt,
        sum(f.open_orders_amt) as open_orders_amt,
        sum(f.gross_exposure_amt) as gross_exposure_amt,
        sum(f.net_exposure_amt) as net_exposure_amt,
        sum(f.limit_amt) as limit_amt,
        sum(f.limited_exposure_amt) as limited_exposure_amt,
        sum(f.customers_over_limit)::bigint as customers_over_limit,
        sum(f.customers_with_exposure)::bigint as customers_with_exposure
    from filtered as f
    group by f.snapshot_date
    order by f.snapshot_date
)
select * from final;
