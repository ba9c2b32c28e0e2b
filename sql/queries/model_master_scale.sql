-- purpose: every rating model's master scale, policy and calibrated PD per grade
--          (sql/rating/model_master_scale.sql).
-- parameters: none.
-- grain: one row per model per grade.
with final as (
    select mt.* from model_master_scale as mt
    order by mt.model
)
select * from final;
