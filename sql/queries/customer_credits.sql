-- purpose: one customer's credits on account at the as-of date, one by one: cash on
--          account, credit notes naming no invoice, advances before their invoice,
--          overpayments; in document and reporting currency. Together they are set against
--          the customer's open items (open_items_snapshot); what is left is its credit balance.
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row per ledger entry on account at the date.
with cutoff as (
    select sd.snapshot_date, sd.cutoff_date from snapshot_dates as sd where sd.snapshot_date = $as_of
),
final as (
    select
        le.credit_from as dated_on,
        le.source_id,
        le.on_account_reason as reason,
        le.invoice_id,
        le.credit_to as until,
        le.currency,
        le.amount_doc_ccy,
        round(le.amount_doc_ccy * fx.rate_to_reporting, 2) as amount_amt
    from ledger_entries as le
    cross join cutoff as c
    join fx_snapshot as fx on fx.currency = le.currency and fx.snapshot_date = c.snapshot_date
    where le.customer_id = $customer_id
        and le.credit_from <= c.cutoff_date
        and c.cutoff_date < coalesce(le.credit_to, date '9999-12-31')
    order by le.credit_from, le.source_id
)
select * from final;
