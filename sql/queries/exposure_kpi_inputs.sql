-- purpose: the columns the portfolio KPIs need, per customer at one date, after
--          the sidebar filters (the comparison month of the exposure page).
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per customer at $as_of.
with final as (
    select
        cs.grade,
        cs.rating_pd,
        cs.open_ar_amt,
        cs.credit_balance_amt,
        cs.overdue_amt,
        cs.open_orders_amt,
        cs.gross_exposure_amt,
        cs.limit_amt,
        cs.is_line_holder,
        cs.line_exposure_amt,
        cs.line_holder_id,
        cs.net_exposure_amt
    from customer_snapshot_in_scope($as_of, $scope) as cs
)
select * from final;
