-- purpose: every customer with overdue AR at one date, with its exposure and
--          risk columns (the largest-overdue table and the collections worklist),
--          after the sidebar filters.
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per customer with overdue_amt > 0 at $as_of.
with final as (
    select
        cs.customer_id,
        cs.name,
        cs.segment,
        cs.industry,
        cs.credit_manager,
        cs.grade,
        cs.rating_pd,
        cs.open_ar_amt,
        cs.credit_balance_amt,
        cs.overdue_amt,
        cs.overdue_90_amt,
        cs.disputed_amt,
        cs.max_days_past_due,
        cs.max_disputed_days_past_due,
        cs.gross_exposure_amt,
        cs.limit_amt,
        cs.net_exposure_amt
    from customer_snapshot_in_scope($as_of, $scope) as cs
    where cs.overdue_amt > 0
)
select * from final;
