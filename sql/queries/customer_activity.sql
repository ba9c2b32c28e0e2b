-- purpose: one customer's trading month by month (sales, collections, write-offs,
--          settled invoices with their day-weighted amounts) for the payment
--          behaviour trend of the credit file.
-- parameters: $customer_id (varchar).
-- grain: one row per snapshot date with activity.
with final as (
    select cm.*
    from customer_month as cm
    where cm.customer_id = $customer_id
    order by cm.snapshot_date
)
select * from final;
