-- purpose: ROC and CAP curve points of every model on each sample (sql/rating/model_curves.sql).
-- parameters: none.
-- grain: one row per model per sample per curve per point.
with final as (
    select mt.* from model_curves as mt
    order by mt.model, mt.sample, mt.curve, mt.x_frac
)
select * from final;
