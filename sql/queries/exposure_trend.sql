-- purpose: portfolio exposure and limits month by month (all snapshot dates),
--          after the sidebar filters.
-- parameters: $segments, $industries, $regions, $managers, $groups (varchar
--             lists; empty = no filter).
-- grain: one row per snapshot date.
with filtered as (
    select cs.*
    from customer_snapshot as cs
    where (len($segments::varchar[]) = 0 or list_contains($segments::varchar[], cs.segment))
        and (len($industries::varchar[]) = 0 or list_contains($industries::varchar[], cs.industry))
        and (len($regions::varchar[]) = 0 or list_contains($regions::varchar[], cs.region))
        and (len($managers::varchar[]) = 0 or list_contains($managers::varchar[], cs.credit_manager))
        and (len($groups::varchar[]) = 0 or list_contains($groups::varchar[], cs.group_id))
),
final as (
    select
        f.snapshot_date,
        sum(f.open_ar_amt) as open_ar_amt,
        sum(f.overdue_amt) as overdue_amt,
        sum(f.open_orders_amt) as open_orders_amt,
        sum(f.gross_exposure_amt) as gross_exposure_amt,
        sum(f.net_exposure_amt) as net_exposure_amt,
        coalesce(sum(f.limit_amt), 0) as limit_amt,
        coalesce(sum(f.gross_exposure_amt) filter (where f.limit_amt is not null), 0) as limited_exposure_amt,
        count(*) filter (where f.limit_amt is not null and f.gross_exposure_amt > f.limit_amt)
            as customers_over_limit,
        count(*) filter (where f.gross_exposure_amt > 0) as customers_with_exposure
    from filtered as f
    group by f.snapshot_date
    order by f.snapshot_date
)
select * from final;
