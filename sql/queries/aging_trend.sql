-- purpose: the aging composition month by month for the policy's buckets: open AR
--          per bucket (-1: unused credits) at every snapshot date of the period chain
--          ending at the as-of date, from the aging_cube mart, after the sidebar filters.
-- parameters: $as_of (date), $by_invoice_date (boolean: age by days since invoice date
--             instead of days past due), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per snapshot date per bucket index.
with final as (
    select
        ac.snapshot_date,
        ac.bucket_idx,
        sum(ac.outstanding_amt) as outstanding_amt
    from aging_cube as ac
    where ac.by_invoice_date = $by_invoice_date
        and in_period_chain(ac.snapshot_date, $as_of::date)
        and in_scope($scope, ac.segment, ac.industry, ac.region, ac.credit_manager, ac.group_key)
    group by all
    order by ac.snapshot_date, ac.bucket_idx
)
select * from final;
