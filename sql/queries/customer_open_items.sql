-- purpose: one customer's open documents at the as-of date, most overdue first.
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row per open document.
with final as (
    select
        oi.invoice_id,
        inv.doc_type,
        inv.invoice_date,
        inv.due_date,
        inv.currency,
        inv.amount as amount_doc_ccy,
        oi.outstanding_doc_ccy,
        oi.outstanding_amt,
        oi.days_past_due,
        oi.is_disputed,
        inv.instalment_no
    from open_items_snapshot as oi
    join invoices as inv on inv.invoice_id = oi.invoice_id and inv.customer_id = $customer_id
    where oi.customer_id = $customer_id and oi.snapshot_date = $as_of
    order by oi.days_past_due desc, oi.invoice_id
)
select * from final;
