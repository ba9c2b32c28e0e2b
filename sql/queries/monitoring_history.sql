-- purpose: month-end history of utilization, overdue amount and portfolio share of
--          some customers (the watchlist's "since when" for those rules).
-- parameters: $ids (varchar list of customer_id), $from_date, $as_of (dates),
--             $segments, $industries, $regions, $managers, $groups (varchar lists;
--             the portfolio total follows the same filters).
-- grain: one row per requested customer per snapshot date in [$from_date, $as_of].
with dates as (
    select sd.snapshot_date
    from snapshot_dates as sd
    where sd.snapshot_date between $from_date and $as_of
),
totals as (
    select cs.snapshot_date, sum(cs.gross_exposure_amt) as portfolio_gross_amt
    from customer_snapshot as cs
    semi join dates as d on d.snapshot_date = cs.snapshot_date
    where in_filters(cs.segment, cs.industry, cs.region, cs.credit_manager, cs.group_id,
                     $segments::varchar[], $industries::varchar[], $regions::varchar[], $managers::varchar[],
                     $groups::varchar[])
    group by cs.snapshot_date
),
wanted as (
    select unnest($ids::varchar[]) as customer_id
),
final as (
    select
        cs.customer_id,
        cs.snapshot_date,
        case when cs.limit_amt > 0 then cs.gross_exposure_amt / cs.limit_amt * 100 end as utilization_pct,
        cs.overdue_amt,
        cs.gross_exposure_amt / nullif(t.portfolio_gross_amt, 0) * 100 as exposure_share_pct
    from customer_snapshot as cs
    semi join wanted as w on w.customer_id = cs.customer_id
    join totals as t on t.snapshot_date = cs.snapshot_date
)
select * from final;
