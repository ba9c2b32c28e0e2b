-- purpose: one customer's payments and write-offs up to the as-of date (none dated after
--          the extraction date: those are post-dated), newest first.
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row per payment.
with cutoff as (
    select sd.snapshot_date, sd.cutoff_date from snapshot_dates as sd where sd.snapshot_date = $as_of
),
final as (
    select
        pay.payment_date,
        pay.payment_id,
        coalesce(pay.invoice_id, 'on account') as invoice_id,
        pay.instalment_no,
        pay.method,
        pay.currency,
        pay.amount as amount_doc_ccy,
        round(pay.amount * fx.rate_to_reporting, 2) as amount_amt
    from payments as pay
    cross join cutoff as c
    join fx_snapshot as fx
        on fx.currency = pay.currency and fx.snapshot_date = c.snapshot_date
    where pay.customer_id = $customer_id and pay.payment_date <= c.cutoff_date
    order by pay.payment_date desc, pay.payment_id
)
select * from final;
