-- purpose: one customer's exposure against its limit over time (every snapshot date).
-- parameters: $customer_id (varchar).
-- grain: one row per snapshot date.
with final as (
    select
        cs.snapshot_date,
        cs.open_ar_amt,
        cs.overdue_amt,
        cs.open_orders_amt,
        cs.gross_exposure_amt,
        cs.net_exposure_amt,
        cs.limit_amt,
        cs.grade
    from customer_snapshot as cs
    where cs.customer_id = $customer_id
    order by cs.snapshot_date
)
select * from final;
