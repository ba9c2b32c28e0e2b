-- purpose: every customer's early-warning inputs at one date, after the sidebar
--          filters: exposure, the credit line it draws on (its limit, expiry, the line's
--          exposure and utilization), overdue and days past due (the oldest undisputed and
--          disputed open items apart), grade and the best grade held in the downgrade window,
--          the last review (latest rating or limit decision), the latest financial
--          statements, credit-insurance cover now and before, and days beyond terms
--          in the last three months against the three before. Feeds the watchlist
--          rules and the review schedule.
-- parameters: $as_of (date), $scale (varchar list, best grade first),
--             $downgrade_months, $cover_months (integers), $scope (struct: the sidebar
--             scope, see sql/macros/scope.sql).
-- grain: one row per customer in the snapshot at $as_of.
with snap as (
    select cs.*
    from customer_snapshot_in_scope($as_of, $scope) as cs
),
reviews as (
    -- the latest credit review on record: an imported rating (a model's grade is no review)
    select ir.customer_id, max(ir.rated_on) as reviewed_on
    from imported_ratings as ir
    semi join snap as s on s.customer_id = ir.customer_id
    where ir.rated_on <= $as_of
    group by ir.customer_id
),
window_grades as (
    -- the grade in force at the window start and every rating in the window
    select r.customer_id, min(list_position($scale::varchar[], r.grade)) as best_rank
    from ratings as r
    semi join snap as s on s.customer_id = r.customer_id
    where r.rated_on <= $as_of
        and r.rated_on > $as_of::date - to_months($downgrade_months::integer)
    group by r.customer_id
),
window_starts as (
    select s.customer_id, ($as_of::date - to_months($downgrade_months::integer))::date as window_start
    from snap as s
),
grade_at_window_start as (
    select ws.customer_id, list_position($scale::varchar[], r.grade) as start_rank
    from window_starts as ws
    asof join ratings as r
        on ws.customer_id = r.customer_id
        and ws.window_start >= r.rated_on
),
statements as (
    select
        f.customer_id,
        f.period_end,
        f.current_assets / nullif(f.current_liabilities, 0) as current_ratio,
        f.total_liabilities / nullif(f.total_assets, 0) as debt_ratio,
        f.equity,
        f.net_income,
        lag(f.net_income) over (partition by f.customer_id order by f.period_end) as prior_net_income,
        row_number() over (partition by f.customer_id order by f.period_end desc) as recency
    from financials as f
    semi join snap as s on s.customer_id = f.customer_id
    where f.period_end <= $as_of
),
cover as (
    select
        col.customer_id,
        coalesce(sum(col.amount * fx.rate_to_reporting) filter (
            where col.valid_from <= $as_of and $as_of <= coalesce(col.valid_to, date '9999-12-31')), 0)
            as insured_now_amt,
        coalesce(sum(col.amount * fx.rate_to_reporting) filter (
            where col.valid_from <= $as_of::date - to_months($cover_months::integer)
                and $as_of::date - to_months($cover_months::integer) <= coalesce(col.valid_to, date '9999-12-31')),
            0) as insured_before_amt,
        max(greatest(
            case when col.valid_to < $as_of and col.valid_to >= $as_of::date - to_months($cover_months::integer)
                then col.valid_to + 1 end,
            case when col.valid_from <= $as_of and col.valid_from > $as_of::date - to_months($cover_months::integer)
                then col.valid_from end
        )) as cover_changed_on
    from collateral as col
    semi join snap as s on s.customer_id = col.customer_id
    join fx_snapshot as fx on fx.currency = col.currency and fx.snapshot_date = $as_of
    where col.collateral_type = 'credit_insurance'
    group by col.customer_id
),
payment_trend as (
    select
        cm.customer_id,
        sum(cm.settled_days_beyond_x_amt) filter (where cm.snapshot_date > $as_of::date - interval 3 month)
            / nullif(sum(cm.settled_amt) filter (where cm.snapshot_date > $as_of::date - interval 3 month), 0)
            as recent_days_beyond_terms,
        sum(cm.settled_days_beyond_x_amt) filter (where cm.snapshot_date <= $as_of::date - interval 3 month)
            / nullif(sum(cm.settled_amt) filter (where cm.snapshot_date <= $as_of::date - interval 3 month), 0)
            as prior_days_beyond_terms
    from customer_month as cm
    semi join snap as s on s.customer_id = cm.customer_id
    where in_period_chain(cm.snapshot_date, $as_of::date) and cm.snapshot_date > $as_of::date - interval 6 month
    group by cm.customer_id
),
final as (
    select
        s.customer_id,
        s.name,
        s.segment,
        s.credit_manager,
        s.grade,
        list_position($scale::varchar[], s.grade) as grade_rank,
        least(wg.best_rank, gs.start_rank) as best_rank_in_window,
        s.rated_on,
        rv.reviewed_on,
        least(c.onboarded_on, cd.first_document_date) as first_trade_on,
        year($as_of::date) * 12 + month($as_of::date)
        - (year(least(c.onboarded_on, cd.first_document_date)) * 12
           + month(least(c.onboarded_on, cd.first_document_date))) as months_on_book,
        s.limit_effective_from,
        s.open_ar_amt,
        s.gross_exposure_amt,
        s.net_exposure_amt,
        s.limit_amt,
        s.line_holder_id,
        s.line_scope,
        s.is_line_holder,
        s.line_exposure_amt,
        case when s.limit_amt > 0 then s.line_exposure_amt / s.limit_amt * 100 end as utilization_pct,
        s.limit_expires_on,
        s.is_limit_expired,
        s.overdue_amt,
        s.disputed_amt,
        s.max_days_past_due,
        s.max_disputed_days_past_due,
        st.period_end as statements_period_end,
        st.current_ratio,
        st.debt_ratio,
        st.equity,
        st.net_income,
        st.prior_net_income,
        coalesce(cv.insured_now_amt, 0) as insured_now_amt,
        coalesce(cv.insured_before_amt, 0) as insured_before_amt,
        cv.cover_changed_on,
        pt.recent_days_beyond_terms,
        pt.prior_days_beyond_terms
    from snap as s
    join customers as c on c.customer_id = s.customer_id
    join customer_dims as cd on cd.customer_id = s.customer_id
    left join reviews as rv on rv.customer_id = s.customer_id
    left join window_grades as wg on wg.customer_id = s.customer_id
    left join grade_at_window_start as gs on gs.customer_id = s.customer_id
    left join statements as st on st.customer_id = s.customer_id and st.recency = 1
    left join cover as cv on cv.customer_id = s.customer_id
    left join payment_trend as pt on pt.customer_id = s.customer_id
)
select * from final;
