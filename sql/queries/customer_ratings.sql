-- purpose: one customer's rating history, newest first.
-- parameters: $customer_id (varchar).
-- grain: one row per rating.
with final as (
    select rt.rated_on, rt.grade, rt.score, rt.pd * 100 as pd_pct, rt.source
    from ratings as rt
    where rt.customer_id = $customer_id
    order by rt.rated_on desc
)
select * from final;
