-- purpose: the loaded limit history of some customers (to leave out decided limits the
--          loaded history already holds: an ERP that imported them and was loaded again).
-- parameters: $ids (varchar[]: customer ids).
-- grain: one row per (customer_id, effective_from) of credit_limits.
with final as (
    select
        cl.customer_id,
        cl.effective_from,
        cl.limit_amt,
        cl.expires_on
    from credit_limits as cl
    where list_contains($ids, cl.customer_id)
)
select * from final;
