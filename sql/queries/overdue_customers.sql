-- purpose: every customer with overdue AR at one date, with its exposure and
--          risk columns (the largest-overdue table and the collections worklist),
--          after the sidebar filters.
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per customer with overdue_amt > 0 at $as_of. Days past due are of the
--        customer's most overdue item, 0 when it is not yet due (never negative: a customer
--        overdue through a disputed item may have its undisputed items not yet due).
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
        case when cs.max_days_past_due < 0 then 0 else cs.max_days_past_due end as max_days_past_due,
        case when cs.max_disputed_days_past_due < 0 then 0 else cs.max_disputed_days_past_due end
            as max_disputed_days_past_due,
        cs.gross_exposure_amt,
        cs.limit_amt,
        cs.net_exposure_amt
    from customer_snapshot_in_scope($as_of, $scope) as cs
    where cs.overdue_amt > 0
)
select * from final;
