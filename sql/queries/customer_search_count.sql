-- purpose: how many customers the credit-file search text matches (id or name contains it,
--          case-insensitive, as customer_search.sql does), and the customer whose id the text is.
-- parameters: $text (varchar; empty = every customer).
-- grain: one row: matches (count), exact_id (null when no id equals the text; same case first).
with matching as (
    select c.customer_id
    from customers as c
    where $text = ''
        or c.customer_id ilike '%' || $text || '%'
        or c.name ilike '%' || $text || '%'
),
final as (
    select
        count(*) as matches,
        coalesce(max(case when customer_id = $text then customer_id end),
                 max(case when upper(customer_id) = upper($text) then customer_id end)) as exact_id
    from matching
)
select * from final;
