-- purpose: the aging distribution at one as-of date: open AR and item count per
--          aging bucket, disputed items apart, and the unused credits (credit balances) on
--          their own line (bucket_idx -1), after the sidebar filters.
-- parameters: $as_of (date), $bounds (integer[]: upper day bounds of the buckets, the
--             last bucket is open), $by_invoice_date (boolean: age by days outstanding
--             since invoice date instead of days past due), $scope (struct: the sidebar
--             scope, see sql/macros/scope.sql).
-- grain: one row per bucket index (0 = first bucket, -1 = credits) per dispute flag.
with items as (
    select
        oi.outstanding_amt,
        oi.is_disputed,
        oi.is_credit,
        case when $by_invoice_date then oi.days_outstanding else oi.days_past_due end as age_days
    from open_items_snapshot as oi
    semi join customers_in_scope($scope) as cis
        on cis.customer_id = oi.customer_id
    where oi.snapshot_date = $as_of
),
final as (
    select
        case when i.is_credit then -1
             else bucket_index($bounds, i.age_days) end as bucket_idx,
        i.is_disputed,
        sum(i.outstanding_amt) as outstanding_amt,
        count(*) as items
    from items as i
    group by all
    order by bucket_idx, i.is_disputed
)
select * from final;
