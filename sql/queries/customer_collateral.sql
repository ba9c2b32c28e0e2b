-- purpose: one customer's guarantees, credit insurance and letters of credit, with
--          whether each is valid at the as-of date and the days to its expiry.
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row per collateral item.
with final as (
    select
        col.collateral_id,
        col.collateral_type,
        col.provider,
        col.currency,
        col.amount as amount_doc_ccy,
        round(col.amount * fx.rate_to_reporting, 2) as amount_amt,
        col.valid_from,
        col.valid_to,
        col.valid_from <= $as_of and coalesce(col.valid_to, date '9999-12-31') >= $as_of as is_valid,
        (col.valid_to - $as_of)::integer as days_to_expiry
    from collateral as col
    join fx_snapshot as fx on fx.currency = col.currency and fx.snapshot_date = $as_of
    where col.customer_id = $customer_id
    order by col.valid_to desc nulls first
)
select * from final;
