-- purpose: the monthly series the payment KPIs are computed from, over the period chain
--          ending at the as-of date (month-ends before its month, then the date itself):
--          open AR (net of credit balances), the open items that age (items_amt), not-due
--          AR and AR over 90 dpd at each date, and the period's net credit sales,
--          collections, write-offs and settled invoices with their day-weighted amounts,
--          after the sidebar filters.
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per snapshot date of the chain; period_days = days from the previous
--        month-end to the date's cutoff (nothing after the extraction date counts).
with filtered as (
    select pt.*
    from portfolio_trend as pt
    where in_scope($scope, pt.segment, pt.industry, pt.region, pt.credit_manager, pt.group_key)
),
final as (
    select
        sd.snapshot_date,
        (sd.cutoff_date - sd.prev_month_end)::integer as period_days,
        coalesce(sum(f.sales_amt), 0) as sales_amt,
        coalesce(sum(f.open_ar_amt), 0) as open_ar_amt,
        coalesce(sum(f.open_ar_amt), 0) - coalesce(sum(f.credit_balance_amt), 0) as items_amt,
        coalesce(sum(f.not_due_amt), 0) as not_due_amt,
        coalesce(sum(f.overdue_90_amt), 0) as over_90_amt,
        coalesce(sum(f.disputed_amt), 0) as disputed_amt,
        coalesce(sum(f.collections_amt), 0) as collections_amt,
        coalesce(sum(f.write_offs_amt), 0) as write_offs_amt,
        coalesce(sum(f.settled_amt), 0) as settled_amt,
        coalesce(sum(f.settled_days_to_pay_x_amt), 0) as settled_days_to_pay_x_amt,
        coalesce(sum(f.settled_days_beyond_x_amt), 0) as settled_days_beyond_x_amt
    from snapshot_dates as sd
    left join filtered as f on f.snapshot_date = sd.snapshot_date
    where in_period_chain(sd.snapshot_date, $as_of::date)
    group by sd.snapshot_date, sd.prev_month_end, sd.cutoff_date
    order by sd.snapshot_date
)
select * from final;
