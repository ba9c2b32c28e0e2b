-- purpose: create the raw contract table payments from the validated staged frame.
-- parameters: none (the loader registers the validated frame as `staged`).
-- grain: cash received and write-offs; invoice_id empty = unapplied cash. key: (payment_id).
create table payments as
with final as (
    select
        staged.payment_id::varchar as payment_id,
        staged.customer_id::varchar as customer_id,
        staged.invoice_id::varchar as invoice_id,
        staged.payment_date::date as payment_date,
        staged.amount::double as amount,
        staged.currency::varchar as currency,
        staged.method::varchar as method,
        staged.instalment_no::bigint as instalment_no
    from staged
    -- stored by customer so one customer's documents are read from a few row groups
    order by staged.customer_id, staged.payment_date
)
select * from final;
