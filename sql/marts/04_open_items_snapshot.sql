-- purpose: every open receivable document at every snapshot date, tracked
--          invoice by invoice (outstanding = amount - payments applied on or
--          before the date; write-offs count as payments), in reporting currency
--          at the closing rate. Kept narrow (no document attributes: join
--          invoices for those) because it is the largest table we build.
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
    semi join invoice_facts as f on f.invoice_id = ad.invoice_id and f.has_partial
),
spans as (
    select f.*, sd.snapshot_date
    from invoice_facts as f
    join snapshot_dates as sd
        on sd.snapshot_date >= f.invoice_date
        and sd.snapshot_date < coalesce(f.settled_on, date '9999-12-31')
),
-- only documents paid in several steps need the payments so far; the rest are whole until settled
partial_paid as (
    select sp.invoice_id, sp.snapshot_date, coalesce(ap.paid_cum_amt, 0) as paid_cum_amt
    from spans as sp
    asof left join applied as ap
        on sp.invoice_id = ap.invoice_id and sp.snapshot_date >= ap.payment_date
    where sp.has_partial
),
with_paid as (
    select sp.*, coalesce(pp.paid_cum_amt, 0) as paid_cum_amt
    from spans as sp
    left join partial_paid as pp on pp.invoice_id = sp.invoice_id and pp.snapshot_date = sp.snapshot_date
),
final as (
    select
        wp.snapshot_date,
        wp.customer_id,
        wp.invoice_id,
        wp.is_disputed,
        wp.currency,
        wp.instalment_no,
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
