-- purpose: from open AR (after credits) to gross exposure at one date, after the sidebar
--          filters: + open orders + what credit balances would take off exposure if they
--          counted (a customer in credit has exposure 0, never negative) = gross exposure.
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row (overdue_amt: the portfolio's overdue, as the collections worklist adds it up).
with scoped as (
    select cs.*
    from customer_snapshot_in_scope($as_of, $scope) as cs
),
final as (
    select
        coalesce(sum(s.open_ar_amt), 0) as open_ar_amt,
        coalesce(sum(s.open_orders_amt), 0) as open_orders_amt,
        coalesce(sum(greatest(0, -(s.open_ar_amt + s.open_orders_amt))), 0) as credit_balances_floored_amt,
        coalesce(sum(s.gross_exposure_amt), 0) as gross_exposure_amt,
        coalesce(sum(s.overdue_amt), 0) as overdue_amt,
        count(*) filter (where s.open_ar_amt + s.open_orders_amt < 0) as customers_in_credit
    from scoped as s
)
select * from final;
