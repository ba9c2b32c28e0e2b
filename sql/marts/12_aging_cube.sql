-- purpose: open AR per aging bucket at every snapshot date, pre-aggregated by every
--          sidebar filter dimension, for the policy's buckets on both bases (days past due
--          and days since invoice date), so the aging trend sums a few thousand rows; the
--          unused credits (credit balances) on a line of their own, bucket_idx -1. Other
--          buckets are aged from open items directly.
-- parameters: $bounds (integer[]: the policy's upper day bounds at load time).
-- grain: one row per snapshot date per filter-dimension combination per basis
--        per bucket index.
create table aging_cube as
with final as (
    select
        oi.snapshot_date,
        d.segment,
        d.industry,
        d.region,
        d.credit_manager,
        d.group_key,
        basis.by_invoice_date,
        case when oi.is_credit then -1
             else bucket_index($bounds, case when basis.by_invoice_date
                                                                     then oi.days_outstanding
                                                                     else oi.days_past_due end)
        end as bucket_idx,
        sum(oi.outstanding_amt) as outstanding_amt,
        count(*) as items
    from open_items_snapshot as oi
    join customer_dims as d on d.customer_id = oi.customer_id
    cross join (values (false), (true)) as basis (by_invoice_date)
    group by all
    order by oi.snapshot_date
)
select * from final;
