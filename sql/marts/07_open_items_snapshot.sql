-- purpose: every customer's open items at every snapshot date. A receivable document is
--          open from its date while the entries applied to it by the cutoff leave a balance.
--          Then the customer's credits on account (account_pool_snapshot) are set against
--          its open documents: first those in the credit's currency, then, at the closing
--          rate, what is left against documents in other currencies; undisputed before
--          disputed, oldest due first (ties by invoice and instalment). What they do not use
--          stays an open credit item (one row per customer and currency, negative, no days
--          past due): the credit balance.
--          outstanding = amount - applied - credits set against it; amounts in reporting
--          currency at the closing rate. Narrow (join invoice_facts on doc_key for document
--          attributes) because it is the largest table we build.
-- parameters: none.
-- grain: one row per open document per snapshot date (is_credit = false) and one row per
--        customer, currency and snapshot date with an unused credit (is_credit = true).
create table open_items_snapshot as
with -- the customers and dates with credits on account: only their documents go through the clearing
pooled_keys as (
    select distinct p.customer_id, p.snapshot_date from account_pool_snapshot as p
),
spans as (
    select
        f.doc_key, f.customer_id, f.invoice_id, f.instalment_no, f.is_disputed, f.currency, f.invoice_date,
        f.due_date, f.amount, f.has_partial, sd.snapshot_date, sd.cutoff_date,
        k.customer_id is not null as is_pooled
    from invoice_facts as f
    join snapshot_dates as sd
        on f.invoice_date <= sd.cutoff_date
        and sd.cutoff_date < coalesce(f.settled_on, date '9999-12-31')
    left join pooled_keys as k on k.customer_id = f.customer_id and k.snapshot_date = sd.snapshot_date
    where f.is_receivable
),
-- only documents paid in several steps need the payments so far; the rest are whole until settled
partial_applied as (
    select le.doc_key, le.applied_on, sum(le.amount_doc_ccy) as paid_amt
    from ledger_entries as le
    semi join (select sp0.doc_key from spans as sp0 where sp0.has_partial) as pd on pd.doc_key = le.doc_key
    group by le.doc_key, le.applied_on
),
applied_cum as (
    select
        pa.doc_key,
        pa.applied_on,
        sum(pa.paid_amt) over (partition by pa.doc_key order by pa.applied_on
                               rows between unbounded preceding and current row) as paid_cum_amt
    from partial_applied as pa
),
partial_paid as (
    select sp.doc_key, sp.snapshot_date, coalesce(ac.paid_cum_amt, 0) as paid_cum_amt
    from (select * from spans as s where s.has_partial) as sp
    asof left join applied_cum as ac
        on sp.doc_key = ac.doc_key and sp.cutoff_date >= ac.applied_on
),
-- not materialized: each use below takes its own customers (no second copy of every open item)
gross as not materialized (
    select
        sp.doc_key, sp.customer_id, sp.invoice_id, sp.instalment_no, sp.is_disputed, sp.currency,
        sp.invoice_date, sp.due_date, sp.snapshot_date, sp.is_pooled,
        sp.amount - coalesce(pp.paid_cum_amt, 0) as gross_doc_ccy,
        fx.rate_to_reporting as rate
    from spans as sp
    left join partial_paid as pp on pp.doc_key = sp.doc_key and pp.snapshot_date = sp.snapshot_date
    join fx_snapshot as fx on fx.currency = sp.currency and fx.snapshot_date = sp.snapshot_date
    where sp.amount - coalesce(pp.paid_cum_amt, 0) > 0.000001
),
plain as (
    select g.* from gross as g where not g.is_pooled
),
pooled as (
    select g.* from gross as g where g.is_pooled
),
-- first pass: credits against documents in their own currency
ranked_same as (
    select
        g.doc_key, g.customer_id, g.currency, g.snapshot_date, g.gross_doc_ccy, p.pool_doc_ccy,
        sum(g.gross_doc_ccy) over (partition by g.customer_id, g.currency, g.snapshot_date
                                   order by g.is_disputed, g.due_date, g.invoice_date, g.invoice_id, g.instalment_no
                                   rows between unbounded preceding and current row) as cum_doc_ccy
    from pooled as g
    join account_pool_snapshot as p
        on p.customer_id = g.customer_id and p.currency = g.currency and p.snapshot_date = g.snapshot_date
),
same_ccy as (
    select
        r.doc_key, r.customer_id, r.currency, r.snapshot_date,
        greatest(0, least(r.gross_doc_ccy, r.pool_doc_ccy - (r.cum_doc_ccy - r.gross_doc_ccy))) as credit_doc_ccy
    from ranked_same as r
),
after_same as (
    select
        g.*,
        coalesce(s.credit_doc_ccy, 0) as credit_doc_ccy,
        g.gross_doc_ccy - coalesce(s.credit_doc_ccy, 0) as left_doc_ccy,
        round((g.gross_doc_ccy - coalesce(s.credit_doc_ccy, 0)) * g.rate, 2) as left_amt
    from pooled as g
    left join same_ccy as s on s.doc_key = g.doc_key and s.snapshot_date = g.snapshot_date
),
pool_left as (
    select
        p.customer_id, p.currency, p.snapshot_date, p.rate_to_reporting,
        p.pool_doc_ccy - coalesce(u.used_doc_ccy, 0) as left_doc_ccy,
        round((p.pool_doc_ccy - coalesce(u.used_doc_ccy, 0)) * p.rate_to_reporting, 2) as left_amt
    from account_pool_snapshot as p
    left join (
        select sc.customer_id, sc.currency, sc.snapshot_date, sum(sc.credit_doc_ccy) as used_doc_ccy
        from same_ccy as sc
        group by sc.customer_id, sc.currency, sc.snapshot_date
    ) as u on u.customer_id = p.customer_id and u.currency = p.currency and u.snapshot_date = p.snapshot_date
),
cross_pool as (
    select pl.customer_id, pl.snapshot_date, sum(pl.left_amt) as left_pool_amt
    from pool_left as pl
    where pl.left_amt >= 0.005
    group by pl.customer_id, pl.snapshot_date
),
-- second pass: what is left, at the closing rate, against documents in other currencies
ranked_cross as (
    select
        a.doc_key, a.customer_id, a.snapshot_date, a.left_amt, cp.left_pool_amt,
        sum(a.left_amt) over (partition by a.customer_id, a.snapshot_date
                              order by a.is_disputed, a.due_date, a.invoice_date, a.invoice_id, a.instalment_no
                              rows between unbounded preceding and current row) as cum_amt
    from after_same as a
    join cross_pool as cp on cp.customer_id = a.customer_id and cp.snapshot_date = a.snapshot_date
    where a.left_amt >= 0.005
),
cross_ccy as (
    select
        r.doc_key, r.customer_id, r.snapshot_date,
        greatest(0, least(r.left_amt, r.left_pool_amt - (r.cum_amt - r.left_amt))) as cross_amt
    from ranked_cross as r
),
cross_used as (
    select cc.customer_id, cc.snapshot_date, sum(cc.cross_amt) as cross_used_amt
    from cross_ccy as cc
    group by cc.customer_id, cc.snapshot_date
),
plain_items as (
    select
        g.snapshot_date,
        g.customer_id,
        g.doc_key,
        g.invoice_id,
        g.instalment_no,
        g.is_disputed,
        g.currency,
        false as is_credit,
        g.gross_doc_ccy as outstanding_doc_ccy,
        round(g.gross_doc_ccy * g.rate, 2) as outstanding_amt,
        0.0 as credit_applied_amt,
        (g.snapshot_date - g.due_date)::integer as days_past_due,
        (g.snapshot_date - g.invoice_date)::integer as days_outstanding
    from plain as g
    where round(g.gross_doc_ccy * g.rate, 2) >= 0.005
),
pooled_items as (
    select
        a.snapshot_date,
        a.customer_id,
        a.doc_key,
        a.invoice_id,
        a.instalment_no,
        a.is_disputed,
        a.currency,
        false as is_credit,
        case when a.left_amt > 0 then a.left_doc_ccy * (a.left_amt - coalesce(c.cross_amt, 0)) / a.left_amt
             else a.left_doc_ccy end as outstanding_doc_ccy,
        a.left_amt - coalesce(c.cross_amt, 0) as outstanding_amt,
        round(a.credit_doc_ccy * a.rate, 2) + coalesce(c.cross_amt, 0) as credit_applied_amt,
        (a.snapshot_date - a.due_date)::integer as days_past_due,
        (a.snapshot_date - a.invoice_date)::integer as days_outstanding
    from after_same as a
    left join cross_ccy as c on c.doc_key = a.doc_key and c.snapshot_date = a.snapshot_date
    where a.left_amt - coalesce(c.cross_amt, 0) >= 0.005
),
-- the unused credit, per currency; what the second pass used is taken from each currency pro rata
credit_rows as (
    select
        pl.snapshot_date,
        pl.customer_id,
        null::bigint as doc_key,
        null::varchar as invoice_id,
        null::bigint as instalment_no,
        false as is_disputed,
        pl.currency,
        true as is_credit,
        -pl.left_doc_ccy * (1 - coalesce(cu.cross_used_amt, 0) / cp.left_pool_amt) as outstanding_doc_ccy,
        -round(pl.left_amt * (1 - coalesce(cu.cross_used_amt, 0) / cp.left_pool_amt), 2) as outstanding_amt,
        0.0 as credit_applied_amt,
        null::integer as days_past_due,
        null::integer as days_outstanding
    from pool_left as pl
    join cross_pool as cp on cp.customer_id = pl.customer_id and cp.snapshot_date = pl.snapshot_date
    left join cross_used as cu on cu.customer_id = pl.customer_id and cu.snapshot_date = pl.snapshot_date
    where pl.left_amt >= 0.005
),
final as (
    select * from plain_items
    union all
    select * from pooled_items
    union all
    select * from credit_rows as cr
    where cr.outstanding_amt <= -0.005
    order by snapshot_date
)
select * from final;
