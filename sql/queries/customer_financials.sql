-- purpose: one customer's financial statements up to the as-of date, oldest first.
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row per period end.
with final as (
    select fin.*
    from financials as fin
    where fin.customer_id = $customer_id and fin.period_end <= $as_of
    order by fin.period_end
)
select * from final;
