-- purpose: every receivable document with its settlement: when the payments
--          applied to it (write-offs included) first covered its amount, whether
--          it was paid in more than one step, and how much of it was written off.
--          Documents without applied payments settle on their paid_date.
-- parameters: none.
-- grain: one row per invoice or credit note. key: (invoice_id).
create table invoice_facts as
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
per_invoice as (
    select
        ap.invoice_id,
        count(*) as payment_days,
        min(ap.payment_date) filter (where ap.paid_cum_amt >= abs(inv.amount) - 0.005) as settled_on
    from applied as ap
    join invoices as inv on inv.invoice_id = ap.invoice_id
    group by ap.invoice_id
),
write_offs as (
    select pay.invoice_id, sum(pay.amount) as written_off_doc_ccy, max(pay.payment_date) as written_off_on
    from payments as pay
    where pay.invoice_id is not null and pay.method = 'write_off'
    group by pay.invoice_id
),
final as (
    select
        inv.invoice_id,
        inv.customer_id,
        inv.doc_type,
        inv.invoice_date,
        inv.due_date,
        inv.amount,
        inv.currency,
        inv.is_disputed,
        inv.instalment_no,
        case
            when inv.amount < 0 or pi.invoice_id is null then inv.paid_date
            else pi.settled_on
        end as settled_on,
        coalesce(pi.payment_days, 0) > 1 or (pi.invoice_id is not null and pi.settled_on is null) as has_partial,
        coalesce(wo.written_off_doc_ccy, 0) as written_off_doc_ccy,
        wo.written_off_on
    from invoices as inv
    left join per_invoice as pi on pi.invoice_id = inv.invoice_id
    left join write_offs as wo on wo.invoice_id = inv.invoice_id
)
select * from final;
