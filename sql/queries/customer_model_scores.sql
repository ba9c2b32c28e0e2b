-- purpose: one customer's scores by every rating model at every month-end up to $as_of (written
--          at load or by `score`: sql/rating/model_scores.sql), newest first, with the imported
--          grade in force at each month-end (null: none) to set beside.
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row per model per month-end.
with final as (
    select
        ms.snapshot_date,
        ms.model,
        ms.score,
        ms.grade,
        ms.pd_frac,
        ms.reason_1,
        ms.reason_2,
        ms.reason_3,
        ir.grade as imported_grade
    from model_scores as ms
    asof left join imported_ratings as ir on ir.customer_id = ms.customer_id and ms.snapshot_date >= ir.rated_on
    where ms.customer_id = $customer_id::varchar and ms.snapshot_date <= $as_of::date
    order by ms.snapshot_date desc, ms.model
)
select * from final;
