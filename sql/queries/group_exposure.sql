-- purpose: the members of a customer group and their exposure at the as-of date.
-- parameters: $group_id (varchar), $as_of (date).
-- grain: one row per group member.
with final as (
    select
        cs.customer_id,
        cs.name,
        cs.grade,
        cs.gross_exposure_amt,
        cs.net_exposure_amt,
        cs.limit_amt
    from customer_snapshot as cs
    where cs.group_id = $group_id and cs.snapshot_date = $as_of
    order by cs.gross_exposure_amt desc
)
select * from final;
