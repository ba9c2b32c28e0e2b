-- purpose: portfolio exposure and limits month by month (the period chain ending at the
--          as-of date: month-ends before its month, then the date itself), after the
--          sidebar filters, from the pre-aggregated portfolio_trend mart.
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per snapshot date.
with filtered as (
    select pt.*
    from portfolio_trend as pt
    where in_period_chain(pt.snapshot_date, $as_of::date)
        and in_scope($scope, pt.segment, pt.industry, pt.region, pt.credit_manager, pt.group_key)
),
final as (
    select
        f.snapshot_date,
        sum(f.open_ar_amt) as open_ar_amt,
        sum(f.credit_balance_amt) as credit_balance_amt,
        sum(f.overdue_amt) as overdue_amt,
        sum(f.open_orders_amt) as open_orders_amt,
        sum(f.gross_exposure_amt) as gross_exposure_amt,
        sum(f.net_exposure_amt) as net_exposure_amt,
        sum(f.limit_amt) as limit_amt,
        sum(f.limited_exposure_amt) as limited_exposure_amt,
        sum(f.customers_over_limit)::bigint as customers_over_limit,
        sum(f.customers_with_exposure)::bigint as customers_with_exposure
    from filtered as f
    group by f.snapshot_date
    order by f.snapshot_date
)
select * from final;
