-- purpose: one customer's trading month by month up to the as-of date (sales,
--          collections, write-offs, settled invoices with their day-weighted amounts) for
--          the payment behaviour trend of the credit file: the period chain ending at the
--          as-of date, so no month is counted twice.
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row per snapshot date of the chain with activity.
with final as (
    select cm.*
    from customer_month as cm
    where cm.customer_id = $customer_id and in_period_chain(cm.snapshot_date, $as_of::date)
    order by cm.snapshot_date
)
select * from final;
