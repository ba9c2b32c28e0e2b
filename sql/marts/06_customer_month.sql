-- purpose: each customer's trading in each period: net credit sales (invoices and
--          credit notes by document date), cash collected and written off (by
--          payment date), and invoices settled by payment with their amount-weighted
--          days to pay and days beyond terms (written-off invoices left out).
--          A period is the month up to its snapshot date (the last one may be
--          partial); amounts at that date's closing rate.
-- parameters: none.
-- grain: one row per customer per snapshot date with any activity.
create table customer_month as
with bounds as (
    select max(sd.snapshot_date) as last_date from snapshot_dates as sd
),
sales as (
    select
        f.customer_id,
        least(last_day(f.invoice_date), b.last_date) as snapshot_date,
        coalesce(sum(f.amount * fx.rate_to_reporting) filter (where f.amount > 0), 0) as invoiced_amt,
        coalesce(sum(f.amount * fx.rate_to_reporting) filter (where f.amount < 0), 0) as credit_notes_amt
    from invoice_facts as f
    cross join bounds as b
    join fx_snapshot as fx
        on fx.currency = f.currency and fx.snapshot_date = least(last_day(f.invoice_date), b.last_date)
    group by all
),
cash as (
    select
        pay.customer_id,
        least(last_day(pay.payment_date), b.last_date) as snapshot_date,
        coalesce(sum(pay.amount * fx.rate_to_reporting) filter (where pay.method <> 'write_off'), 0)
            as collections_amt,
        coalesce(sum(pay.amount * fx.rate_to_reporting) filter (where pay.method = 'write_off'), 0)
            as write_offs_amt
    from payments as pay
    cross join bounds as b
    join fx_snapshot as fx
        on fx.currency = pay.currency and fx.snapshot_date = least(last_day(pay.payment_date), b.last_date)
    group by all
),
settled as (
    select
        f.customer_id,
        least(last_day(f.settled_on), b.last_date) as snapshot_date,
        sum(f.amount * fx.rate_to_reporting) as settled_amt,
        sum(f.amount * fx.rate_to_reporting * (f.settled_on - f.invoice_date)) as settled_days_to_pay_x_amt,
        sum(f.amount * fx.rate_to_reporting * greatest(0, f.settled_on - f.due_date)) as settled_days_beyond_x_amt
    from invoice_facts as f
    cross join bounds as b
    join fx_snapshot as fx
        on fx.currency = f.currency and fx.snapshot_date = least(last_day(f.settled_on), b.last_date)
    where f.amount > 0 and f.settled_on <= b.last_date and f.written_off_doc_ccy = 0
    group by all
),
keys as (
    select s.customer_id, s.snapshot_date from sales as s
    union
    select c.customer_id, c.snapshot_date from cash as c
    union
    select st.customer_id, st.snapshot_date from settled as st
),
final as (
    select
        k.customer_id,
        k.snapshot_date,
        coalesce(s.invoiced_amt, 0) as invoiced_amt,
        coalesce(s.credit_notes_amt, 0) as credit_notes_amt,
        coalesce(s.invoiced_amt, 0) + coalesce(s.credit_notes_amt, 0) as sales_amt,
        coalesce(c.collections_amt, 0) as collections_amt,
        coalesce(c.write_offs_amt, 0) as write_offs_amt,
        coalesce(st.settled_amt, 0) as settled_amt,
        coalesce(st.settled_days_to_pay_x_amt, 0) as settled_days_to_pay_x_amt,
        coalesce(st.settled_days_beyond_x_amt, 0) as settled_days_beyond_x_amt
    from keys as k
    left join sales as s on s.customer_id = k.customer_id and s.snapshot_date = k.snapshot_date
    left join cash as c on c.customer_id = k.customer_id and c.snapshot_date = k.snapshot_date
    left join settled as st on st.customer_id = k.customer_id and st.snapshot_date = k.snapshot_date
    order by k.snapshot_date, k.customer_id
)
select * from final;
