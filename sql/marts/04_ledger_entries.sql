-- purpose: the open-item ledger's entries. A claim (a payment or write-off naming an invoice,
--          or a credit note naming the invoice it reduces in applies_to) fills that invoice's
--          receivable documents (the instalments of a plan in due order; a claim naming an
--          instalment fills that one first), each up to its amount, claims in date order;
--          what exceeds them is an overpayment, on the customer's account from the claim's
--          date. A piece dated before its document is an advance: on account from its date,
--          applied to the document on the document's date. Cash naming no invoice and credit
--          notes naming no invoice stay on account (a credit note until its paid_date, when
--          its credit was used up or refunded). A receivable no claim names settles on its
--          paid_date, if it has one.
-- parameters: none.
-- grain: one row per piece of a claim: applied to doc_key on applied_on, and/or on the
--        customer's account from credit_from until credit_to (null: until used). Who and what
--        (source_id, customer, currency, invoice) are kept for what sits on account; a piece
--        only ever applied needs its document (doc_key) alone.
create table ledger_entries as
with receivables as (
    select d.doc_key, d.invoice_id, d.instalment_no, d.invoice_date, d.due_date, d.amount
    from documents as d
    where d.is_receivable
),
claims as (
    select
        pay.payment_id as source_id,
        case when pay.method = 'write_off' then 'write_off' else 'payment' end as source_kind,
        pay.customer_id,
        pay.currency,
        pay.invoice_id,
        pay.instalment_no,
        pay.payment_date as source_date,
        pay.amount
    from payments as pay
    where pay.invoice_id is not null
    union all
    select
        cn.invoice_id as source_id,
        'credit_note' as source_kind,
        cn.customer_id,
        cn.currency,
        cn.applies_to as invoice_id,
        null::bigint as instalment_no,
        cn.invoice_date as source_date,
        -cn.amount as amount
    from documents as cn
    where not cn.is_receivable and cn.applies_to is not null
),
-- claims naming their document: one instalment (it fills that one first), or an invoice that
-- is one document (no instalment_no: the only one of its invoice_id, the loader's key rule).
-- In date order each claim fills [hi - amount, hi) of the document; the rest is surplus.
doc_claims as (
    select
        c.*,
        r.doc_key,
        r.invoice_date as doc_date,
        r.amount as doc_amt,
        sum(c.amount) over (partition by r.doc_key order by c.source_date, c.source_id
                            rows between unbounded preceding and current row) as hi
    from claims as c
    -- the same instalment, or none on either side (instalment numbers are never negative: the
    -- loader's rule; an equality join key is much faster than `is not distinct from`)
    join receivables as r
        on r.invoice_id = c.invoice_id and coalesce(r.instalment_no, -1) = coalesce(c.instalment_no, -1)
),
doc_pieces as (
    select
        d.source_id, d.source_kind, d.customer_id, d.currency, d.invoice_id, d.instalment_no, d.source_date,
        d.doc_key, d.doc_date,
        least(d.hi, d.doc_amt) - least(d.hi - d.amount, d.doc_amt) as applied_amt,
        greatest(d.hi, d.doc_amt) - greatest(d.hi - d.amount, d.doc_amt) as surplus_amt
    from doc_claims as d
),
-- what claims naming an instalment took of it, before the claims naming the whole plan
taken as (
    select dp.doc_key, sum(dp.applied_amt) as taken_amt
    from doc_pieces as dp
    where dp.instalment_no is not null
    group by dp.doc_key
),
-- claims naming only the invoice of an instalment plan: cumulative amount in date order
plan_claims as (
    select c.*, sum(c.amount) over (partition by c.invoice_id order by c.source_date, c.source_id
                                    rows between unbounded preceding and current row) as hi
    from claims as c
    semi join receivables as r on r.invoice_id = c.invoice_id and r.instalment_no is not null
    where c.instalment_no is null
),
named as (
    select r.*, r.amount - coalesce(t.taken_amt, 0) as cap_amt
    from receivables as r
    semi join plan_claims as pc on pc.invoice_id = r.invoice_id
    left join taken as t on t.doc_key = r.doc_key
    where r.instalment_no is not null
),
-- an instalment plan: what each instalment leaves for those claims is [cap_hi - cap_amt, cap_hi)
-- of the plan, in due order
plan_docs as (
    select
        nd.*,
        sum(nd.cap_amt) over (partition by nd.invoice_id order by nd.due_date, nd.instalment_no, nd.doc_key
                              rows between unbounded preceding and current row) as cap_hi,
        sum(nd.cap_amt) over (partition by nd.invoice_id) as plan_cap
    from named as nd
    where nd.instalment_no is not null
),
plan_pieces as (
    select
        pc.source_id, pc.source_kind, pc.customer_id, pc.currency, pc.invoice_id, pc.source_date,
        pd.doc_key, pd.invoice_date as doc_date,
        least(pc.hi, pd.cap_hi) - greatest(pc.hi - pc.amount, pd.cap_hi - pd.cap_amt) as applied_amt
    from plan_claims as pc
    join plan_docs as pd
        on pd.invoice_id = pc.invoice_id
        and pc.hi - pc.amount < pd.cap_hi
        and pd.cap_hi - pd.cap_amt < pc.hi
),
plan_totals as (
    select pd.invoice_id, max(pd.plan_cap) as plan_cap
    from plan_docs as pd
    group by pd.invoice_id
),
plan_surplus as (
    select
        pc.source_id, pc.source_kind, pc.customer_id, pc.currency, pc.invoice_id, pc.source_date,
        pc.hi - greatest(pc.hi - pc.amount, pt.plan_cap) as surplus_amt
    from plan_claims as pc
    join plan_totals as pt on pt.invoice_id = pc.invoice_id
    where pc.hi > pt.plan_cap + 0.005
),
applied as (
    select dp.source_id, dp.source_kind, dp.customer_id, dp.currency, dp.invoice_id, dp.source_date, dp.doc_key,
        dp.doc_date, dp.applied_amt
    from doc_pieces as dp
    where dp.applied_amt > 0.000001
    union all
    select pp.source_id, pp.source_kind, pp.customer_id, pp.currency, pp.invoice_id, pp.source_date, pp.doc_key,
        pp.doc_date, pp.applied_amt
    from plan_pieces as pp
    where pp.applied_amt > 0.000001
),
surplus as (
    select dp.source_id, dp.source_kind, dp.customer_id, dp.currency, dp.invoice_id, dp.source_date, dp.surplus_amt
    from doc_pieces as dp
    where dp.surplus_amt > 0.005
    union all
    select ps.source_id, ps.source_kind, ps.customer_id, ps.currency, ps.invoice_id, ps.source_date, ps.surplus_amt
    from plan_surplus as ps
),
-- pieces applied without ever sitting on account carry only what settlement needs (narrow rows)
final as (
    select
        case when a.source_date < a.doc_date then a.source_id end as source_id,
        a.source_kind,
        case when a.source_date < a.doc_date then a.customer_id end as customer_id,
        case when a.source_date < a.doc_date then a.currency end as currency,
        case when a.source_date < a.doc_date then a.invoice_id end as invoice_id,
        a.doc_key,
        greatest(a.source_date, a.doc_date) as applied_on,
        case when a.source_date < a.doc_date then a.source_date end as credit_from,
        case when a.source_date < a.doc_date then a.doc_date end as credit_to,
        case when a.source_date < a.doc_date then 'advance' end as on_account_reason,
        a.applied_amt as amount_doc_ccy
    from applied as a
    union all
    select
        s.source_id, s.source_kind, s.customer_id, s.currency, s.invoice_id,
        null::bigint as doc_key,
        null::date as applied_on,
        s.source_date as credit_from,
        null::date as credit_to,
        case when s.source_kind = 'credit_note' then 'credit note beyond its invoice' else 'overpayment' end
            as on_account_reason,
        s.surplus_amt as amount_doc_ccy
    from surplus as s
    union all
    select
        pay.payment_id as source_id,
        case when pay.method = 'write_off' then 'write_off' else 'payment' end as source_kind,
        pay.customer_id,
        pay.currency,
        null::varchar as invoice_id,
        null::bigint as doc_key,
        null::date as applied_on,
        pay.payment_date as credit_from,
        null::date as credit_to,
        case when pay.method = 'write_off' then 'write-off on account' else 'unapplied cash' end
            as on_account_reason,
        pay.amount as amount_doc_ccy
    from payments as pay
    where pay.invoice_id is null
    union all
    select
        cn.invoice_id as source_id,
        'credit_note' as source_kind,
        cn.customer_id,
        cn.currency,
        null::varchar as invoice_id,
        null::bigint as doc_key,
        null::date as applied_on,
        cn.invoice_date as credit_from,
        cn.paid_date as credit_to,
        'credit note' as on_account_reason,
        -cn.amount as amount_doc_ccy
    from documents as cn
    where not cn.is_receivable and cn.applies_to is null
    union all
    select
        null::varchar as source_id,
        'paid_date' as source_kind,
        null::varchar as customer_id,
        null::varchar as currency,
        null::varchar as invoice_id,
        r.doc_key,
        greatest(r.paid_date, r.invoice_date) as applied_on,
        null::date as credit_from,
        null::date as credit_to,
        null::varchar as on_account_reason,
        r.amount as amount_doc_ccy
    from documents as r
    anti join claims as c on c.invoice_id = r.invoice_id
    where r.is_receivable and r.paid_date is not null
)
select * from final;
