-- purpose: the credits on each customer's account at every snapshot date, per currency and
--          by reason (cash on account, credit notes naming no invoice, advances before their
--          invoice, overpayments): what is set against the customer's open items before
--          anything is called overdue (open_items_snapshot). Counted when dated on or before
--          the snapshot's cutoff.
-- parameters: none.
-- grain: one row per customer per currency per snapshot date with credits on account.
create table account_pool_snapshot as
with credits as (
    select le.customer_id, le.currency, le.credit_from, le.credit_to, le.on_account_reason, le.amount_doc_ccy
    from ledger_entries as le
    where le.credit_from is not null
),
final as (
    select
        cr.customer_id,
        cr.currency,
        sd.snapshot_date,
        sum(cr.amount_doc_ccy) as pool_doc_ccy,
        coalesce(sum(cr.amount_doc_ccy) filter (where cr.on_account_reason in ('unapplied cash',
                                                                                'write-off on account')), 0)
            as unapplied_cash_doc_ccy,
        coalesce(sum(cr.amount_doc_ccy) filter (where cr.on_account_reason = 'credit note'), 0)
            as credit_notes_doc_ccy,
        coalesce(sum(cr.amount_doc_ccy) filter (where cr.on_account_reason = 'advance'), 0) as advances_doc_ccy,
        coalesce(sum(cr.amount_doc_ccy) filter (where cr.on_account_reason in ('overpayment',
                                                                                'credit note beyond its invoice')), 0)
            as overpayments_doc_ccy,
        fx.rate_to_reporting,
        round(sum(cr.amount_doc_ccy) * fx.rate_to_reporting, 2) as pool_amt
    from credits as cr
    join snapshot_dates as sd
        on cr.credit_from <= sd.cutoff_date
        and sd.cutoff_date < coalesce(cr.credit_to, date '9999-12-31')
    join fx_snapshot as fx on fx.currency = cr.currency and fx.snapshot_date = sd.snapshot_date
    group by cr.customer_id, cr.currency, sd.snapshot_date, fx.rate_to_reporting
)
select * from final;
