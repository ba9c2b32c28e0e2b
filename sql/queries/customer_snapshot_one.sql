-- purpose: one customer's exposure picture at one date (the credit file's tiles).
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row (none before the customer was onboarded).
with final as (
    select cs.*
    from customer_snapshot as cs
    where cs.customer_id = $customer_id and cs.snapshot_date = $as_of
)
select * from final;
