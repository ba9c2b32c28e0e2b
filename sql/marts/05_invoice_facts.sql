-- purpose: every document with its settlement from the ledger entries applied to it: when
--          they first covered its amount (settled_on), whether it was paid in more than one
--          step (has_partial), how much was written off, credited by credit notes or applied
--          in all. Credit notes are not receivables: they never settle (see ledger_entries).
-- parameters: none.
-- grain: one row per document. key: (doc_key). The document type and the invoice a credit
--        note names are in documents (join on doc_key).
create table invoice_facts as
with applied as (
    select
        le.doc_key,
        min(le.applied_on) as first_applied_on,
        max(le.applied_on) as last_applied_on,
        sum(le.amount_doc_ccy) as applied_doc_ccy,
        coalesce(sum(le.amount_doc_ccy) filter (where le.source_kind = 'write_off'), 0) as written_off_doc_ccy,
        max(le.applied_on) filter (where le.source_kind = 'write_off') as written_off_on,
        coalesce(sum(le.amount_doc_ccy) filter (where le.source_kind = 'credit_note'), 0) as credited_doc_ccy
    from ledger_entries as le
    where le.doc_key is not null
    group by le.doc_key
),
-- documents paid on several days: the first day the running total covers the amount
stepwise as (
    select le.doc_key, le.applied_on, sum(le.amount_doc_ccy) as paid_amt
    from ledger_entries as le
    semi join applied as a on a.doc_key = le.doc_key and a.last_applied_on > a.first_applied_on
    group by le.doc_key, le.applied_on
),
stepwise_settled as (
    select st.doc_key, min(st.applied_on) filter (where st.paid_cum_amt >= d.amount - 0.005) as settled_on
    from (
        select sw.doc_key, sw.applied_on,
            sum(sw.paid_amt) over (partition by sw.doc_key order by sw.applied_on
                                   rows between unbounded preceding and current row) as paid_cum_amt
        from stepwise as sw
    ) as st
    join documents as d on d.doc_key = st.doc_key
    group by st.doc_key
),
final as (
    select
        d.doc_key,
        d.invoice_id,
        d.instalment_no,
        d.customer_id,
        d.is_receivable,
        d.invoice_date,
        d.due_date,
        d.amount,
        d.currency,
        d.is_disputed,
        case
            when not d.is_receivable then null
            when d.amount < 0.005 then d.invoice_date
            when a.last_applied_on = a.first_applied_on and a.applied_doc_ccy >= d.amount - 0.005
                then a.first_applied_on
            when a.last_applied_on > a.first_applied_on then ss.settled_on
        end as settled_on,
        d.is_receivable and (coalesce(a.last_applied_on > a.first_applied_on, false)
            or (a.doc_key is not null and a.applied_doc_ccy < d.amount - 0.005)) as has_partial,
        coalesce(a.applied_doc_ccy, 0) as applied_doc_ccy,
        coalesce(a.written_off_doc_ccy, 0) as written_off_doc_ccy,
        a.written_off_on,
        coalesce(a.credited_doc_ccy, 0) as credited_doc_ccy
    from documents as d
    left join applied as a on a.doc_key = d.doc_key
    left join stepwise_settled as ss on ss.doc_key = d.doc_key
)
select * from final;
