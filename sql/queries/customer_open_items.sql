-- purpose: one customer's open items at the as-of date, most overdue first: its open
--          documents (balances after payments and the credits set against them) and its
--          unused credits (cash on account, credit notes, overpayments; negative, last).
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row per open document, plus one row per currency with an unused credit.
with final as (
    select
        coalesce(oi.invoice_id, 'unapplied cash / credits') as invoice_id,
        oi.instalment_no,
        case when oi.is_credit then 'credit' else d.doc_type end as doc_type,
        f.invoice_date,
        f.due_date,
        oi.currency,
        f.amount as amount_doc_ccy,
        oi.outstanding_doc_ccy,
        oi.outstanding_amt,
        oi.credit_applied_amt,
        oi.days_past_due,
        oi.is_disputed
    from open_items_snapshot as oi
    left join invoice_facts as f on f.doc_key = oi.doc_key
    left join documents as d on d.doc_key = oi.doc_key
    where oi.customer_id = $customer_id and oi.snapshot_date = $as_of
    order by oi.is_credit, oi.days_past_due desc, oi.invoice_id, oi.instalment_no
)
select * from final;
