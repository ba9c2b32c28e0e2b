-- purpose: month-end history of every customer's utilization (of the credit line it
--          draws on), overdue amount and gross exposure, after the sidebar filters (the
--          watchlist's "since when" for those rules; shares are computed from it in Python,
--          the one way every page computes them).
-- parameters: $from_date, $as_of (dates), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per customer per snapshot date in [$from_date, $as_of].
with scoped as (
    select
        cs.customer_id,
        cs.snapshot_date,
        cs.gross_exposure_amt,
        cs.limit_amt,
        cs.line_exposure_amt,
        cs.overdue_amt
    from customer_snapshot as cs
    where cs.snapshot_date between $from_date and $as_of
        and in_scope($scope, cs.segment, cs.industry, cs.region, cs.credit_manager, cs.group_id)
),
final as (
    select
        s.customer_id,
        s.snapshot_date,
        case when s.limit_amt > 0 then s.line_exposure_amt / s.limit_amt * 100 end as utilization_pct,
        s.overdue_amt,
        s.gross_exposure_amt
    from scoped as s
)
select * from final;
