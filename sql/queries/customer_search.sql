-- purpose: customers whose id or name contains the search text (case-insensitive),
--          for the credit-file picker; exact id matches first.
-- parameters: $text (varchar; empty = the first customers by name), $max_rows (integer).
-- grain: one row per matching customer, at most $max_rows rows.
with final as (
    select c.customer_id, c.name, c.customer_id || ' · ' || c.name as label
    from customers as c
    where $text = ''
        or c.customer_id ilike '%' || $text || '%'
        or c.name ilike '%' || $text || '%'
    order by (upper(c.customer_id) = upper($text)) desc, c.name, c.customer_id
    limit $max_rows
)
select * from final;
