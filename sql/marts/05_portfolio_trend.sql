-- purpose: the exposure trend pre-aggregated by every sidebar filter dimension, so
--          the month-by-month chart sums a few thousand rows instead of scanning
--          every customer at every date. group_key is the group parent for members
--          of a real group (one with a parent), else null (the group filter only
--          offers real groups).
-- parameters: none.
-- grain: one row per snapshot date per segment, industry, region, credit manager
--        and group_key.
create table portfolio_trend as
with real_groups as (
    select distinct c.parent_id as group_id
    from customers as c
    where c.parent_id is not null
),
final as (
    select
        cs.snapshot_date,
        cs.segment,
        cs.industry,
        cs.region,
        cs.credit_manager,
        rg.group_id as group_key,
        sum(cs.open_ar_amt) as open_ar_amt,
        sum(cs.overdue_amt) as overdue_amt,
        sum(cs.open_orders_amt) as open_orders_amt,
        sum(cs.gross_exposure_amt) as gross_exposure_amt,
        sum(cs.net_exposure_amt) as net_exposure_amt,
        coalesce(sum(cs.limit_amt), 0) as limit_amt,
        coalesce(sum(cs.gross_exposure_amt) filter (where cs.limit_amt is not null), 0) as limited_exposure_amt,
        count(*) filter (where cs.limit_amt is not null and cs.gross_exposure_amt > cs.limit_amt)
            as customers_over_limit,
        count(*) filter (where cs.gross_exposure_amt > 0) as customers_with_exposure
    from customer_snapshot as cs
    left join real_groups as rg on rg.group_id = cs.group_id
    group by all
    order by cs.snapshot_date
)
select * from final;
