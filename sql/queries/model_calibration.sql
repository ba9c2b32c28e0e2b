-- purpose: every model's out-of-time calibration by grade (sql/rating/model_calibration.sql).
-- parameters: none.
-- grain: one row per model per grade.
with final as (
    select mt.* from model_calibration as mt
    order by mt.model
)
select * from final;
