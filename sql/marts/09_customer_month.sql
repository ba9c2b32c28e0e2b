-- purpose: each customer's trading in the period of each snapshot date, from the day after
--          the previous month-end to the snapshot's cutoff: net credit sales (invoices, debit
--          and credit notes by document date), cash collected and written off (by payment
--          date), and receivables settled by payment with their amount-weighted days to pay
--          and days beyond terms (written-off and fully credited documents left out).
--          Amounts at the snapshot date's closing rate. The extraction date and the
--          month-end after it cover the same documents: queries sum periods with
--          in_period_chain().
-- parameters: none.
-- grain: one row per customer per snapshot date with any activity in its period.
create table customer_month as
with periods as (
    select sd.snapshot_date, sd.cutoff_date, date_trunc('month', sd.snapshot_date)::date as period_month
    from snapshot_dates as sd
),
-- the days the periods cover (one month when a single as-of date is built on demand)
span as (
    select min(p.period_month) as first_day, max(p.cutoff_date) as last_day from periods as p
),
sales as (
    select
        f.customer_id,
        p.snapshot_date,
        coalesce(sum(f.amount * fx.rate_to_reporting) filter (where f.amount > 0), 0) as invoiced_amt,
        coalesce(sum(f.amount * fx.rate_to_reporting) filter (where f.amount < 0), 0) as credit_notes_amt
    from invoice_facts as f
    join periods as p
        on p.period_month = date_trunc('month', f.invoice_date) and f.invoice_date <= p.cutoff_date
    join fx_snapshot as fx on fx.currency = f.currency and fx.snapshot_date = p.snapshot_date
    where f.invoice_date between (select s.first_day from span as s) and (select s.last_day from span as s)
    group by f.customer_id, p.snapshot_date
),
cash as (
    select
        pay.customer_id,
        p.snapshot_date,
        coalesce(sum(pay.amount * fx.rate_to_reporting) filter (where pay.method <> 'write_off'), 0)
            as collections_amt,
        coalesce(sum(pay.amount * fx.rate_to_reporting) filter (where pay.method = 'write_off'), 0)
            as write_offs_amt
    from payments as pay
    join periods as p
        on p.period_month = date_trunc('month', pay.payment_date) and pay.payment_date <= p.cutoff_date
    join fx_snapshot as fx on fx.currency = pay.currency and fx.snapshot_date = p.snapshot_date
    where pay.payment_date between (select s.first_day from span as s) and (select s.last_day from span as s)
    group by pay.customer_id, p.snapshot_date
),
settled as (
    select
        f.customer_id,
        p.snapshot_date,
        sum(f.amount * fx.rate_to_reporting) as settled_amt,
        sum(f.amount * fx.rate_to_reporting * (f.settled_on - f.invoice_date)) as settled_days_to_pay_x_amt,
        sum(f.amount * fx.rate_to_reporting * greatest(0, f.settled_on - f.due_date)) as settled_days_beyond_x_amt
    from invoice_facts as f
    join periods as p
        on p.period_month = date_trunc('month', f.settled_on) and f.settled_on <= p.cutoff_date
    join fx_snapshot as fx on fx.currency = f.currency and fx.snapshot_date = p.snapshot_date
    where f.is_receivable and f.amount > 0 and f.written_off_doc_ccy = 0
        and f.credited_doc_ccy < f.amount - 0.005
        and f.settled_on between (select s.first_day from span as s) and (select s.last_day from span as s)
    group by f.customer_id, p.snapshot_date
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
    order by k.snapshot_date
)
select * from final;
