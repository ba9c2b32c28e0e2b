-- purpose: every past-due open item at one date with its document details (the
--          collections worklist), after the sidebar filters; balances after the credits
--          set against them, so a customer whose credits cover its items has none.
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per open document with days_past_due > 0 (open items are positive).
with final as (
    select
        oi.customer_id,
        oi.invoice_id,
        (oi.snapshot_date - oi.days_outstanding)::date as invoice_date,
        (oi.snapshot_date - oi.days_past_due)::date as due_date,
        oi.instalment_no,
        oi.currency,
        oi.outstanding_doc_ccy,
        oi.outstanding_amt,
        oi.days_past_due,
        oi.is_disputed
    from open_items_snapshot as oi
    semi join customers_in_scope($scope) as cis
        on cis.customer_id = oi.customer_id
    where oi.snapshot_date = $as_of and not oi.is_credit and oi.days_past_due > 0
)
select * from final;
