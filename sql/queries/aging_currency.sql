-- purpose: the aging by document currency at one date, as treasury reads it: open items
--          and unused credits per currency and aging bucket in the currency itself, with
--          their value in reporting currency at the closing rate, after the sidebar filters.
-- parameters: $as_of (date), $bounds (integer[]: upper day bounds of the buckets, the
--             last bucket is open), $by_invoice_date (boolean), $scope (struct: the
--             sidebar scope, see sql/macros/scope.sql).
-- grain: one row per currency per bucket index (-1 = credits).
with final as (
    select
        oi.currency,
        case when oi.is_credit then -1
             else bucket_index($bounds, case when $by_invoice_date
                                                                     then oi.days_outstanding
                                                                     else oi.days_past_due end) end as bucket_idx,
        sum(oi.outstanding_doc_ccy) as outstanding_doc_ccy,
        sum(oi.outstanding_amt) as outstanding_amt,
        count(*) as items
    from open_items_snapshot as oi
    semi join customers_in_scope($scope) as cis
        on cis.customer_id = oi.customer_id
    where oi.snapshot_date = $as_of
    group by all
    order by oi.currency, bucket_idx
)
select * from final;
