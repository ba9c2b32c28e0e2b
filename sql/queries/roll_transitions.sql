-- purpose: roll-rate counts: bucket-to-bucket balances month by month over a
--          window, tracked invoice by invoice (to_idx -1 = paid, -2 = written
--          off), after the sidebar filters.
-- parameters: $bounds (integer[]: upper dpd bounds of the buckets), $from_month,
--             $to_month (dates: first and last month-end of the window), $scope
--             (struct: the sidebar scope, see sql/macros/scope.sql).
-- grain: one row per month-end per from bucket per to state.
with final as (
    select
        rt.month_end,
        bucket_index($bounds, rt.from_dpd) as from_idx,
        case
            when rt.is_written_off then -2
            when rt.to_dpd is null then -1
            else bucket_index($bounds, rt.to_dpd)
        end as to_idx,
        sum(rt.from_amt) as from_amt,
        sum(rt.to_amt) as to_amt
    from roll_transitions as rt
    semi join customers_in_scope($scope) as cis
        on cis.customer_id = rt.customer_id
    where rt.month_end between $from_month and $to_month
    group by all
    order by rt.month_end, from_idx, to_idx
)
select * from final;
