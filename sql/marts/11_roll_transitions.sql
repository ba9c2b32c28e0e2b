-- purpose: where each open receivable's balance went from one month-end to the next,
--          tracked document by document: still open (with its new days past due and
--          balance), paid (by cash or credits set against it), or written off (with the
--          amount written off). Only month-ends up to the extraction date: a later one has
--          no payments yet. The input of roll rates for any bucket bounds.
-- parameters: none.
-- grain: one row per document with a positive balance at a month-end that has a
--        following month-end.
create table roll_transitions as
with month_ends as (
    select
        sd.snapshot_date as month_end,
        lead(sd.snapshot_date) over (order by sd.snapshot_date) as next_month_end
    from snapshot_dates as sd
    where sd.is_month_end and sd.snapshot_date <= sd.cutoff_date
),
at_m as (
    select
        oi.snapshot_date as month_end,
        me.next_month_end,
        oi.doc_key,
        oi.customer_id,
        oi.days_past_due as from_dpd,
        oi.outstanding_amt as from_amt
    from open_items_snapshot as oi
    join month_ends as me on me.month_end = oi.snapshot_date
    where me.next_month_end is not null and not oi.is_credit
),
final as (
    select
        a.month_end,
        a.customer_id,
        a.from_dpd,
        a.from_amt,
        n.days_past_due as to_dpd,
        n.doc_key is null
            and coalesce(f.written_off_on > a.month_end and f.written_off_on <= a.next_month_end, false)
            as is_written_off,
        case
            when n.doc_key is not null then n.outstanding_amt
            when f.written_off_on > a.month_end and f.written_off_on <= a.next_month_end
                then round(f.written_off_doc_ccy * fx.rate_to_reporting, 2)
            else 0
        end as to_amt
    from at_m as a
    join invoice_facts as f on f.doc_key = a.doc_key
    join fx_snapshot as fx on fx.currency = f.currency and fx.snapshot_date = a.next_month_end
    left join open_items_snapshot as n
        on n.snapshot_date = a.next_month_end and n.doc_key = a.doc_key and not n.is_credit
    order by a.month_end
)
select * from final;
