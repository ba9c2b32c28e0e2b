-- purpose: create the raw contract table invoices from the validated staged frame.
-- parameters: none (the loader registers the validated frame as `staged`).
-- grain: one row per invoice, debit note or credit note (an instalment is its own row).
--        key: (invoice_id, instalment_no) (instalment_no empty outside plans).
create table invoices as
with final as (
    select
        staged.invoice_id::varchar as invoice_id,
        staged.customer_id::varchar as customer_id,
        staged.invoice_date::date as invoice_date,
        staged.due_date::date as due_date,
        staged.amount::double as amount,
        staged.currency::varchar as currency,
        staged.doc_type::varchar as doc_type,
        staged.paid_date::date as paid_date,
        staged.is_disputed::boolean as is_disputed,
        staged.instalment_no::bigint as instalment_no,
        staged.applies_to::varchar as applies_to
    from staged
    -- stored by customer so one customer's documents are read from a few row groups
    order by staged.customer_id, staged.invoice_date, staged.invoice_id, staged.instalment_no
)
select * from final;
