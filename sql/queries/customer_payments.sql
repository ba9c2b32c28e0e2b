-- purpose: one customer's payments and write-offs up to the as-of date, newest first.
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row per payment.
with final as (
    select
        pay.payment_date,
        pay.payment_id,
        pay.invoice_id,
        pay.method,
        pay.currency,
        pay.amount as amount_doc_ccy,
        round(pay.amount * fx.rate_to_reporting, 2) as amount_amt
    from payments as pay
    join fx_snapshot as fx
        on fx.currency = pay.currency and fx.snapshot_date = $as_of
    where pay.customer_id = $customer_id and pay.payment_date <= $as_of
    order by pay.payment_date desc, pay.payment_id
)
select * from final;
