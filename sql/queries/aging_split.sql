-- purpose: open AR per aging bucket at one date, split by one customer dimension
--          (segment, industry, region, credit manager, grade, or the customer itself: the
--          aged balance per customer), the unused credits apart (bucket_idx -1), after the
--          sidebar filters.
-- parameters: $as_of (date), $dimension (varchar: segment | industry | region |
--             credit_manager | grade | customer), $bounds (integer[]), $by_invoice_date
--             (boolean), $scope (struct: the sidebar scope, see sql/macros/scope.sql).
-- grain: one row per dimension value per bucket index.
with final as (
    select
        coalesce(case $dimension
            when 'segment' then cs.segment
            when 'industry' then cs.industry
            when 'region' then cs.region
            when 'credit_manager' then cs.credit_manager
            when 'customer' then cs.customer_id
            else cs.grade
        end, 'unrated') as dimension_value,
        case when oi.is_credit then -1
             else bucket_index($bounds, case when $by_invoice_date then oi.days_outstanding
                                                                   else oi.days_past_due end) end as bucket_idx,
        sum(oi.outstanding_amt) as outstanding_amt,
        count(*) as items
    from open_items_snapshot as oi
    semi join customers_in_scope($scope) as cis
        on cis.customer_id = oi.customer_id
    join customer_snapshot as cs on cs.customer_id = oi.customer_id and cs.snapshot_date = oi.snapshot_date
    where oi.snapshot_date = $as_of
    group by all
    order by dimension_value, bucket_idx
)
select * from final;
