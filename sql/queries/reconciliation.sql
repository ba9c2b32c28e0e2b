-- purpose: the receivables ledger reconciled at one date, per document currency: from the
--          raw tables (not the clearing) invoices and debit notes - credit notes + credit notes
--          used up or refunded (their paid_date) - receivables settled by their paid_date - cash
--          applied to invoices - cash on account - write-offs = open AR by the ledger; beside
--          it the open items of the aging (open_items_snapshot, credits included) in document
--          and reporting currency. Only documents dated on or before the date's cutoff count.
--          Which receivables no claim names (they settle on their paid_date) is read from the
--          ledger's 'paid_date' entries, decided once at load (ledger_entries), instead of
--          hashing every payment's invoice_id again here.
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per currency.
with cutoff as (
    select sd.snapshot_date, sd.cutoff_date
    from snapshot_dates as sd
    where sd.snapshot_date = $as_of
),
scoped as (
    select sc.customer_id
    from customers_in_scope($scope) as sc
),
documents_ as (
    select
        inv.currency,
        coalesce(sum(inv.amount) filter (where inv.doc_type <> 'credit_note'), 0) as invoices_doc_ccy,
        coalesce(sum(-inv.amount) filter (where inv.doc_type = 'credit_note'), 0) as credit_notes_doc_ccy,
        coalesce(sum(-inv.amount) filter (where inv.doc_type = 'credit_note' and inv.applies_to is null
                                              and inv.paid_date <= c.cutoff_date), 0) as credit_notes_used_doc_ccy
    from invoices as inv
    cross join cutoff as c
    semi join scoped as s on s.customer_id = inv.customer_id
    where inv.invoice_date <= c.cutoff_date
    group by inv.currency
),
-- applied_on = greatest(paid_date, invoice_date): on or before the cutoff means both are
settled as (
    select d.currency, sum(le.amount_doc_ccy) as settled_by_paid_date_doc_ccy
    from ledger_entries as le
    cross join cutoff as c
    join documents as d on d.doc_key = le.doc_key
    semi join scoped as s on s.customer_id = d.customer_id
    where le.source_kind = 'paid_date' and le.applied_on <= c.cutoff_date
    group by d.currency
),
cash as (
    select
        pay.currency,
        coalesce(sum(pay.amount) filter (where pay.method <> 'write_off' and pay.invoice_id is not null), 0)
            as cash_applied_doc_ccy,
        coalesce(sum(pay.amount) filter (where pay.method <> 'write_off' and pay.invoice_id is null), 0)
            as cash_on_account_doc_ccy,
        coalesce(sum(pay.amount) filter (where pay.method = 'write_off'), 0) as write_offs_doc_ccy
    from payments as pay
    cross join cutoff as c
    semi join scoped as s on s.customer_id = pay.customer_id
    where pay.payment_date <= c.cutoff_date
    group by pay.currency
),
aged as (
    select
        oi.currency,
        sum(oi.outstanding_doc_ccy) as aging_doc_ccy,
        sum(oi.outstanding_amt) as aging_amt,
        coalesce(sum(oi.outstanding_amt) filter (where oi.is_credit), 0) as credits_amt,
        count(*) as aging_items
    from open_items_snapshot as oi
    semi join scoped as s on s.customer_id = oi.customer_id
    where oi.snapshot_date = $as_of
    group by oi.currency
),
currencies as (
    select d.currency from documents_ as d
    union
    select st.currency from settled as st
    union
    select ca.currency from cash as ca
    union
    select a.currency from aged as a
),
final as (
    select
        cu.currency,
        coalesce(d.invoices_doc_ccy, 0) as invoices_doc_ccy,
        coalesce(d.credit_notes_doc_ccy, 0) as credit_notes_doc_ccy,
        coalesce(d.credit_notes_used_doc_ccy, 0) as credit_notes_used_doc_ccy,
        coalesce(st.settled_by_paid_date_doc_ccy, 0) as settled_by_paid_date_doc_ccy,
        coalesce(ca.cash_applied_doc_ccy, 0) as cash_applied_doc_ccy,
        coalesce(ca.cash_on_account_doc_ccy, 0) as cash_on_account_doc_ccy,
        coalesce(ca.write_offs_doc_ccy, 0) as write_offs_doc_ccy,
        coalesce(d.invoices_doc_ccy, 0) - coalesce(d.credit_notes_doc_ccy, 0)
            + coalesce(d.credit_notes_used_doc_ccy, 0) - coalesce(st.settled_by_paid_date_doc_ccy, 0)
            - coalesce(ca.cash_applied_doc_ccy, 0) - coalesce(ca.cash_on_account_doc_ccy, 0)
            - coalesce(ca.write_offs_doc_ccy, 0) as ledger_open_doc_ccy,
        coalesce(a.aging_doc_ccy, 0) as aging_doc_ccy,
        fx.rate_to_reporting,
        coalesce(a.aging_amt, 0) as aging_amt,
        coalesce(a.credits_amt, 0) as credits_amt,
        coalesce(a.aging_items, 0) as aging_items
    from currencies as cu
    left join documents_ as d on d.currency = cu.currency
    left join settled as st on st.currency = cu.currency
    left join cash as ca on ca.currency = cu.currency
    left join aged as a on a.currency = cu.currency
    left join fx_snapshot as fx on fx.currency = cu.currency and fx.snapshot_date = $as_of
    order by cu.currency
)
select * from final;
