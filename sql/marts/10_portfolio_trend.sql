-- purpose: exposure, aging headline and trading figures pre-aggregated by every
--          sidebar filter dimension, so monthly trends and payment KPIs sum a few
--          thousand rows instead of scanning every customer at every date. Limits count
--          once per credit line (on its holder's row, with the whole line's exposure).
--          group_key is the group parent for members of a real group (one with a
--          parent), else null (the group filter only offers real groups).
-- parameters: none.
-- grain: one row per snapshot date per segment, industry, region, credit manager
--        and group_key.
create table portfolio_trend as
with final as (
    select
        cs.snapshot_date,
        cs.segment,
        cs.industry,
        cs.region,
        cs.credit_manager,
        cd.group_key,
        sum(cs.open_ar_amt) as open_ar_amt,
        sum(cs.credit_balance_amt) as credit_balance_amt,
        sum(cs.not_due_amt) as not_due_amt,
        sum(cs.overdue_amt) as overdue_amt,
        sum(cs.overdue_90_amt) as overdue_90_amt,
        sum(cs.disputed_amt) as disputed_amt,
        sum(cs.open_orders_amt) as open_orders_amt,
        sum(cs.gross_exposure_amt) as gross_exposure_amt,
        sum(cs.net_exposure_amt) as net_exposure_amt,
        coalesce(sum(cs.limit_amt) filter (where cs.is_line_holder), 0) as limit_amt,
        coalesce(sum(cs.line_exposure_amt) filter (where cs.is_line_holder), 0) as limited_exposure_amt,
        count(*) filter (where cs.is_line_holder and cs.line_exposure_amt > cs.limit_amt) as customers_over_limit,
        count(*) filter (where cs.gross_exposure_amt > 0) as customers_with_exposure,
        coalesce(sum(cm.sales_amt), 0) as sales_amt,
        coalesce(sum(cm.collections_amt), 0) as collections_amt,
        coalesce(sum(cm.write_offs_amt), 0) as write_offs_amt,
        coalesce(sum(cm.settled_amt), 0) as settled_amt,
        coalesce(sum(cm.settled_days_to_pay_x_amt), 0) as settled_days_to_pay_x_amt,
        coalesce(sum(cm.settled_days_beyond_x_amt), 0) as settled_days_beyond_x_amt
    from customer_snapshot as cs
    join customer_dims as cd on cd.customer_id = cs.customer_id
    left join customer_month as cm on cm.customer_id = cs.customer_id and cm.snapshot_date = cs.snapshot_date
    group by all
    order by cs.snapshot_date
)
select * from final;
