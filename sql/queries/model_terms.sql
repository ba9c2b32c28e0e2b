-- purpose: the terms of every model (coefficients, importance, expert weights, candidates' IV)
--          (sql/rating/model_terms.sql).
-- parameters: none.
-- grain: one row per model per term.
with final as (
    select mt.* from model_terms as mt
    order by mt.model, mt.term_index
)
select * from final;
