-- purpose: one rating model's scores at a month-end for every customer in scope (written at
--          load or by `score`: sql/rating/model_scores.sql), with its imported grade at that
--          date (null when it had none) and the exposure, segment and industry beside.
-- parameters: $model (varchar: expert | statistical | ml), $scored_at (date: a month-end),
--             $scope (struct: the sidebar scope, see sql/macros/scope.sql).
-- grain: one row per customer in scope scored at $scored_at.
with final as (
    select
        ms.customer_id,
        ms.scorecard,
        ms.score,
        ms.grade,
        ms.pd_frac,
        ms.reason_1,
        ms.reason_2,
        ms.reason_3,
        ir.grade as imported_grade,
        cs.segment,
        cs.industry,
        cs.gross_exposure_amt
    from model_scores as ms
    join customer_snapshot_in_scope($scored_at, $scope) as cs on cs.customer_id = ms.customer_id
    asof left join imported_ratings as ir on ir.customer_id = ms.customer_id and ms.snapshot_date >= ir.rated_on
    where ms.model = $model::varchar and ms.snapshot_date = $scored_at::date
    order by ms.customer_id
)
select * from final;
