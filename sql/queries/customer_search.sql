-- purpose: the customers a user can open a credit file for (id and name).
-- parameters: none.
-- grain: one row per customer.
with final as (
    select c.customer_id, c.name, c.customer_id || ' · ' || c.name as label
    from customers as c
    order by c.name, c.customer_id
)
select * from final;
