-- purpose: PSI of every model's characteristics and score, development against the latest
--          month-end (sql/rating/model_stability.sql).
-- parameters: none.
-- grain: one row per model per variable.
with final as (
    select mt.* from model_stability as mt
    order by mt.model, mt.psi desc
)
select * from final;
