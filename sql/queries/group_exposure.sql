-- purpose: the members of a customer group and their exposure at the as-of date, with
--          the credit line each one draws on (its own limit, or the group's).
-- parameters: $group_id (varchar), $as_of (date).
-- grain: one row per group member.
with final as (
    select
        cs.customer_id,
        cs.name,
        cs.grade,
        cs.open_ar_amt,
        cs.open_orders_amt,
        cs.gross_exposure_amt,
        cs.net_exposure_amt,
        cs.own_limit_amt,
        cs.line_holder_id,
        cs.line_scope,
        cs.limit_amt,
        cs.line_exposure_amt
    from customer_snapshot as cs
    where cs.group_id = $group_id and cs.snapshot_date = $as_of
    order by cs.gross_exposure_amt desc, cs.customer_id
)
select * from final;
