-- purpose: every row of the invoices table with a surrogate key: receivable documents
--          (invoices and debit notes; the instalments of a plan are one document each) and
--          credit notes.
-- parameters: none.
-- grain: one row per invoice row. key: (doc_key).
create table documents as
with final as (
    select
        row_number() over (order by inv.customer_id, inv.invoice_date, inv.invoice_id, inv.instalment_no)
            as doc_key,
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
