-- purpose: what the scorecards read at one month-end: every characteristic of each customer in
--          the sidebar's scope (sql/marts/14_customer_characteristics.sql), with its imported
--          imported grade at that date (imported_ratings; null when it had none) to set the
--          model's grade beside. A customer already in default at that month-end is not scored
--          (a default is observed, never scored: its rating is the default grade).
-- parameters: $scored_at (date: a month-end), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per customer in scope with a snapshot at $scored_at.
with final as (
    select
        ch.*,
        cs.segment,
        cs.industry,
        ir.grade as imported_grade,
        ir.grade as external_grade,
        cs.region,
        cs.gross_exposure_amt
    from customer_characteristics as ch
    join customer_snapshot_in_scope($scored_at, $scope) as cs on cs.customer_id = ch.customer_id
    asof left join imported_ratings as ir on ir.customer_id = ch.customer_id and ch.snapshot_date >= ir.rated_on
    left join customer_defaults as d on d.customer_id = ch.customer_id
    where ch.snapshot_date = $scored_at and (d.default_on is null or d.default_on > $scored_at)
    order by ch.customer_id
)
select * from final;
