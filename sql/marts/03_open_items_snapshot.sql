-- purpose: every open receivable document at every snapshot date, tracked
--          invoice by invoice (outstanding = amount - payments applied on or
--          before the date; write-offs count as payments), in reporting currency
--          at the closing rate.
-- parameters: none.
-- grain: one row per open document (invoice or unapplied credit note) per snapshot date.
create table open_items_snapshot as
with applied_daily as (
    select pay.invoice_id, pay.payment_date, sum(pay.amount) as paid_amt
    from payments as pay
    where pay.invoice_id is not null
    group by pay.invoice_id, pay.payment_date
),
applied as (
    select
        ad.invoice_id,
        ad.payment_date,
        sum(ad.paid_amt) over (partition by ad.invoice_id order by ad.payment_date) as paid_cum_amt
    from applied_daily as ad
),
settled as (
    select ap.invoice_id, min(ap.payment_date) as settled_on
    from applied as ap
    join invoices as inv on inv.invoice_id = ap.invoice_id
    where ap.paid_cum_amt >= abs(inv.amount) - 0.005
    group by ap.invoice_id
),
with_payments as (
    select distinct ad.invoice_id from applied_daily as ad
),
docs as (
    select
        inv.*,
        case
            when inv.amount < 0 then inv.paid_date
            when wp.invoice_id is null then inv.paid_date
            else st.settled_on
        end as settled_on
    from invoices as inv
    left join settled as st on st.invoice_id = inv.invoice_id
    left join with_payments as wp on wp.invoice_id = inv.invoice_id
),
spans as (
    select d.*, sd.snapshot_date
    from docs as d
    join snapshot_dates as sd
        on sd.snapshot_date >= d.invoice_date
        and sd.snapshot_date < coalesce(d.settled_on, date '9999-12-31')
),
with_paid as (
    select sp.*, coalesce(ap.paid_cum_amt, 0) as paid_cum_amt
    from spans as sp
    asof left join applied as ap
        on sp.invoice_id = ap.invoice_id and sp.snapshot_date >= ap.payment_date
),
final as (
    select
        wp.snapshot_date,
        wp.customer_id,
        wp.invoice_id,
        wp.doc_type,
        wp.invoice_date,
        wp.due_date,
        wp.currency,
        wp.is_disputed,
        wp.instalment_no,
        wp.amount as amount_doc_ccy,
        case when wp.amount < 0 then wp.amount else wp.amount - wp.paid_cum_amt end as outstanding_doc_ccy,
        round(case when wp.amount < 0 then wp.amount else wp.amount - wp.paid_cum_amt end
              * fx.rate_to_reporting, 2) as outstanding_amt,
        (wp.snapshot_date - wp.due_date)::integer as days_past_due,
        (wp.snapshot_date - wp.invoice_date)::integer as days_outstanding
    from with_paid as wp
    join fx_snapshot as fx on fx.currency = wp.currency and fx.snapshot_date = wp.snapshot_date
    where abs(case when wp.amount < 0 then wp.amount else wp.amount - wp.paid_cum_amt end) >= 0.005
    order by wp.snapshot_date, wp.customer_id
)
select * from final;
