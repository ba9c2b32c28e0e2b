-- purpose: what the scorecards read at one month-end: every characteristic of each customer in
--          the sidebar's scope (sql/marts/14_customer_characteristics.sql), with its imported
--          imported grade at that date (imported_ratings; null when it had none) to set the
--          model's grade beside.
-- parameters: $scored_at (date: a month-end), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per customer in scope with a snapshot at $scored_at.
with final as (
    select
        ch.*,
        cs.segment,
        cs.industry,
        ir.grade as imported_grade,
        cs.gross_exposure_amt
    from customer_characteristics as ch
    join customer_snapshot_in_scope($scored_at, $scope) as cs on cs.customer_id = ch.customer_id
    asof left join imported_ratings as ir on ir.customer_id = ch.customer_id and ch.snapshot_date >= ir.rated_on
    where ch.snapshot_date = $scored_at
    order by ch.customer_id
)
select * from final;
