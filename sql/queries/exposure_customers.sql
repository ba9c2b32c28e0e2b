-- purpose: every customer's exposure picture at one as-of date, after the
--          sidebar filters; the input of the Portfolio exposure page and report.
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per customer at $as_of. Names are left out on purpose (100k
--        long strings cost more than the rest of the page): customer_labels.sql
--        fetches them for the few rows a table shows.
with filtered as (
    select cs.*
    from customer_snapshot_in_scope($as_of, $scope) as cs
),
final as (
    select
        f.customer_id,
        f.group_id,
        f.segment,
        f.industry,
        f.region,
        f.grade,
        f.rating_pd,
        f.open_ar_amt,
        f.credit_balance_amt,
        f.not_due_amt,
        f.overdue_amt,
        f.overdue_90_amt,
        f.disputed_amt,
        f.max_days_past_due,
        f.max_disputed_days_past_due,
        f.open_orders_amt,
        f.gross_exposure_amt,
        f.own_limit_amt,
        f.limit_amt,
        f.line_holder_id,
        f.line_scope,
        f.is_line_holder,
        f.line_exposure_amt,
        f.limit_expires_on,
        f.is_limit_expired,
        f.collateral_amt,
        f.insured_amt,
        f.net_exposure_amt
    from filtered as f
)
select * from final;
