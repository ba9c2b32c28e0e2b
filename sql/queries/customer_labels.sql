-- purpose: display names of some customers and of their group parent (for the
--          few rows a table shows).
-- parameters: $ids (varchar list of customer_id).
-- grain: one row per requested customer that exists.
with final as (
    select
        c.customer_id,
        c.name,
        cd.group_id,
        g.name as group_name
    from customers as c
    join customer_dims as cd on cd.customer_id = c.customer_id
    left join customers as g on g.customer_id = cd.group_id
    where list_contains($ids::varchar[], c.customer_id)
)
select * from final;
