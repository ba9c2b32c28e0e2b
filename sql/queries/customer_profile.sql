-- purpose: the credit-file profile of one customer, with its group parent's name.
-- parameters: $customer_id (varchar).
-- grain: one row (zero when the customer does not exist).
with final as (
    select
        c.*,
        cd.group_id,
        p.name as group_name
    from customers as c
    join customer_dims as cd on cd.customer_id = c.customer_id
    left join customers as p on p.customer_id = cd.group_id
    where c.customer_id = $customer_id
)
select * from final;
