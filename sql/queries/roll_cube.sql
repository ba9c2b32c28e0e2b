-- purpose: roll-rate counts for the policy's provision buckets over a window,
--          from the pre-aggregated roll_cube mart, after the sidebar filters.
-- parameters: $from_month, $to_month (dates: first and last month-end of the
--             window), $segments, $industries, $regions, $managers, $groups.
-- grain: one row per month-end per from bucket per to state.
with final as (
    select
        rc.month_end,
        rc.from_idx,
        rc.to_idx,
        sum(rc.from_amt) as from_amt,
        sum(rc.to_amt) as to_amt
    from roll_cube as rc
    where rc.month_end between $from_month and $to_month
        and in_filters(rc.segment, rc.industry, rc.region, rc.credit_manager,
                       rc.group_key,
                       $segments::varchar[], $industries::varchar[], $regions::varchar[], $managers::varchar[],
                       $groups::varchar[])
    group by all
    order by rc.month_end, rc.from_idx, rc.to_idx
)
select * from final;
