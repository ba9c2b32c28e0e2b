-- purpose: the movers of one rating model between two month-ends: customers in scope whose
--          grade at $scored_at differs from their grade at $previous_at (a customer that
--          defaulted in between is not here: the rating history shows it), with the score
--          change and the reasons at $scored_at.
-- parameters: $model (varchar), $scored_at, $previous_at (dates: month-ends), $scope (struct:
--             the sidebar scope, see sql/macros/scope.sql).
-- grain: one row per customer in scope whose grade moved.
with final as (
    select
        ms.customer_id,
        cs.name,
        pr.grade as previous_grade,
        ms.grade,
        ms.score - pr.score as score_change,
        ms.score,
        ms.reason_1,
        ms.reason_2,
        ms.reason_3,
        cs.gross_exposure_amt
    from model_scores as ms
    join model_scores as pr
        on pr.customer_id = ms.customer_id and pr.model = ms.model and pr.snapshot_date = $previous_at::date
    join customer_snapshot_in_scope($scored_at, $scope) as cs on cs.customer_id = ms.customer_id
    where ms.model = $model::varchar and ms.snapshot_date = $scored_at::date and ms.grade <> pr.grade
    order by abs(ms.score - pr.score) desc, ms.customer_id
)
select * from final;
