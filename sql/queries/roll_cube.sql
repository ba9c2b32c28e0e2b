-- purpose: roll-rate counts for the policy's provision buckets over a window,
--          from the pre-aggregated roll_cube mart, after the sidebar filters.
-- parameters: $from_month, $to_month (dates: first and last month-end of the window),
--             $scope (struct: the sidebar scope, see sql/macros/scope.sql).
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
        and in_scope($scope, rc.segment, rc.industry, rc.region, rc.credit_manager, rc.group_key)
    group by all
    order by rc.month_end, rc.from_idx, rc.to_idx
)
select * from final;
