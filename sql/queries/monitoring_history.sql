-- purpose: month-end history of every customer's utilization, overdue amount and
--          share of the portfolio, after the sidebar filters (the watchlist's
--          "since when" for those rules).
-- parameters: $from_date, $as_of (dates), $segments, $industries, $regions,
--             $managers, $groups (varchar lists; empty = no filter; the portfolio
--             total follows the same filters).
-- grain: one row per customer per snapshot date in [$from_date, $as_of].
with scoped as (
    select
        cs.customer_id,
        cs.snapshot_date,
        cs.gross_exposure_amt,
        cs.limit_amt,
        cs.overdue_amt
    from customer_snapshot as cs
    where cs.snapshot_date between $from_date and $as_of
        and in_filters(cs.segment, cs.industry, cs.region, cs.credit_manager, cs.group_id,
                       $segments::varchar[], $industries::varchar[], $regions::varchar[], $managers::varchar[],
                       $groups::varchar[])
),
final as (
    select
        s.customer_id,
        s.snapshot_date,
        case when s.limit_amt > 0 then s.gross_exposure_amt / s.limit_amt * 100 end as utilization_pct,
        s.overdue_amt,
        s.gross_exposure_amt / nullif(sum(s.gross_exposure_amt) over (partition by s.snapshot_date), 0) * 100
            as exposure_share_pct
    from scoped as s
)
select * from final;
