-- purpose: AUROC, Gini and KS of every model on its development and out-of-time samples
--          (sql/rating/model_discrimination.sql).
-- parameters: none.
-- grain: one row per model per sample.
with final as (
    select mt.* from model_discrimination as mt
    order by mt.model, mt.sample
)
select * from final;
