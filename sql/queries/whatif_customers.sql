-- purpose: every customer's inputs to the what-if at one date, after the sidebar
--          filters: exposure and its parts, cover, the credit line it draws on (own or its
--          group's) and the line's limit, exposure and terms,
--          grade and PD, and the limit bases: tangible net worth and working capital
--          from the latest statements on or before the date, and average monthly net
--          credit sales over the twelve months to the date.
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per customer in the snapshot at $as_of.
with snap as (
    select cs.*
    from customer_snapshot_in_scope($as_of, $scope) as cs
),
statements as (
    select
        f.customer_id,
        f.period_end,
        f.equity - coalesce(f.intangible_assets, 0) as tangible_net_worth_amt,
        f.current_assets - f.current_liabilities as working_capital_amt,
        row_number() over (partition by f.customer_id order by f.period_end desc) as recency
    from financials as f
    semi join snap as s on s.customer_id = f.customer_id
    where f.period_end <= $as_of
),
purchases as (
    select cm.customer_id, sum(cm.sales_amt) / 12 as monthly_purchases_amt
    from customer_month as cm
    semi join snap as s on s.customer_id = cm.customer_id
    where in_period_chain(cm.snapshot_date, $as_of::date) and cm.snapshot_date > $as_of::date - interval 12 month
    group by cm.customer_id
),
terms as (
    select s.customer_id, coalesce(lim.payment_terms_days, c.payment_terms_days) as terms_days
    from snap as s
    join customers as c on c.customer_id = s.customer_id
    left join credit_limits as lim
        on lim.customer_id = coalesce(s.line_holder_id, s.customer_id) and lim.effective_from = s.limit_effective_from
),
final as (
    select
        s.customer_id,
        s.name,
        s.group_id,
        s.segment,
        s.industry,
        s.region,
        s.credit_manager,
        s.grade,
        s.rating_pd,
        s.open_ar_amt,
        s.credit_balance_amt,
        s.overdue_amt,
        s.max_days_past_due,
        s.max_disputed_days_past_due,
        s.open_orders_amt,
        s.gross_exposure_amt,
        s.collateral_amt,
        s.insured_amt,
        s.net_exposure_amt,
        s.limit_amt,
        s.own_limit_amt,
        s.line_holder_id,
        s.line_scope,
        s.is_line_holder,
        s.line_exposure_amt,
        t.terms_days,
        st.period_end as statements_period_end,
        st.tangible_net_worth_amt,
        st.working_capital_amt,
        coalesce(p.monthly_purchases_amt, 0) as monthly_purchases_amt
    from snap as s
    left join terms as t on t.customer_id = s.customer_id
    left join statements as st on st.customer_id = s.customer_id and st.recency = 1
    left join purchases as p on p.customer_id = s.customer_id
    order by s.customer_id
)
select * from final;
