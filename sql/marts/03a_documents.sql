-- purpose: every row of the invoices table with a surrogate key, the row's id in the
--          table (stored once, never updated, sorted by customer, date, invoice and instalment):
--          receivable documents (invoices and debit notes; the instalments of a plan are one
--          document each) and credit notes. A view: nothing is copied.
-- parameters: none.
-- grain: one row per invoice row. key: (doc_key).
create view documents as
with final as (
    select
        inv.rowid as doc_key,
        inv.invoice_id,
        inv.instalment_no,
        inv.customer_id,
        inv.doc_type,
        inv.doc_type <> 'credit_note' as is_receivable,
        inv.invoice_date,
        inv.due_date,
        inv.amount,
        inv.currency,
        inv.is_disputed,
        inv.paid_date,
        inv.applies_to
    from invoices as inv
)
select * from final;
