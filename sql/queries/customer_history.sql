-- purpose: one customer's exposure against the credit line it draws on over time (the
--          period chain ending at the as-of date: month-ends before its month, then the date).
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row per snapshot date of the chain.
with final as (
    select
        cs.snapshot_date,
        cs.open_ar_amt,
        cs.credit_balance_amt,
        cs.overdue_amt,
        cs.open_orders_amt,
        cs.gross_exposure_amt,
        cs.net_exposure_amt,
        cs.limit_amt,
        cs.line_exposure_amt,
        cs.grade
    from customer_snapshot as cs
    where cs.customer_id = $customer_id and in_period_chain(cs.snapshot_date, $as_of::date)
    order by cs.snapshot_date
)
select * from final;
