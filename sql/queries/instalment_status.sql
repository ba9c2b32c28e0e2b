-- purpose: instalment plans per customer at one date: the instalments that have
--          fallen due (what the customer promised to pay by now) against what was
--          received on them, after the sidebar filters.
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per customer with at least one instalment due on or before $as_of.
with due as (
    select f.customer_id, f.doc_key, f.amount * fx.rate_to_reporting as due_amt
    from invoice_facts as f
    semi join customers_in_scope($scope) as cis
        on cis.customer_id = f.customer_id
    join fx_snapshot as fx on fx.currency = f.currency and fx.snapshot_date = $as_of
    where f.instalment_no is not null and f.is_receivable and f.due_date <= $as_of and f.invoice_date <= $as_of
),
still_open as (
    select oi.doc_key, oi.outstanding_amt
    from open_items_snapshot as oi
    where oi.snapshot_date = $as_of and oi.instalment_no is not null and not oi.is_credit
),
final as (
    select
        d.customer_id,
        count(*) as instalments_due,
        sum(d.due_amt) as instalments_due_amt,
        sum(d.due_amt - coalesce(so.outstanding_amt, 0)) as instalments_received_amt
    from due as d
    left join still_open as so on so.doc_key = d.doc_key
    group by d.customer_id
)
select * from final;
