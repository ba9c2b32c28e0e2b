-- purpose: one customer's credit limit history, newest first.
-- parameters: $customer_id (varchar).
-- grain: one row per limit decision.
with final as (
    select
        lim.effective_from,
        lim.limit_amt,
        lim.currency,
        lim.expires_on,
        lim.approved_by,
        lim.approval_level,
        lim.payment_terms_days
    from credit_limits as lim
    where lim.customer_id = $customer_id
    order by lim.effective_from desc
)
select * from final;
