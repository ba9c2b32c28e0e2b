-- purpose: each customer's open items per provision bucket (days past due) at one date,
--          after the sidebar filters: what the what-if ages further under a payment
--          delay and provides for with the provision matrix's loss rates.
-- parameters: $as_of (date), $bounds (integer[]: upper day bounds of the buckets, the
--             last bucket is open), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per customer per bucket index (0 = not due) holding open items.
with items as (
    select oi.customer_id, oi.outstanding_amt, oi.days_past_due
    from open_items_snapshot as oi
    semi join customers_in_scope($scope) as cis
        on cis.customer_id = oi.customer_id
    where oi.snapshot_date = $as_of and not oi.is_credit
),
final as (
    select
        i.customer_id,
        bucket_index($bounds, i.days_past_due) as bucket_idx,
        sum(i.outstanding_amt) as outstanding_amt
    from items as i
    group by all
    order by i.customer_id, bucket_idx
)
select * from final;
