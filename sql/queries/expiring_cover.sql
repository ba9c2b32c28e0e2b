-- purpose: cover (guarantees, credit insurance, letters of credit) valid at the as-of date
--          that expires between two dates (the committee agenda's expiring cover), with the
--          customer's gross exposure at the as-of date.
-- parameters: $as_of (date), $expires_from (date: the first expiry date counted), $expires_to (date: the last).
-- grain: one row per customer with expiring cover (its earliest expiry and the amount expiring).
with expiring as (
    select
        col.customer_id,
        min(col.valid_to) as first_expiry_on,
        sum(round(col.amount * fx.rate_to_reporting, 2)) as expiring_amt,
        count(*) as items
    from collateral as col
    join fx_snapshot as fx on fx.currency = col.currency and fx.snapshot_date = $as_of
    where col.valid_from <= $as_of
      and col.valid_to between $expires_from and $expires_to
    group by col.customer_id
),
final as (
    select
        e.customer_id,
        cs.name as customer_name,
        e.first_expiry_on,
        e.expiring_amt,
        e.items,
        cs.gross_exposure_amt as exposure_amt
    from expiring as e
    join customer_snapshot as cs on cs.customer_id = e.customer_id and cs.snapshot_date = $as_of
    order by cs.gross_exposure_amt desc
)
select * from final;
