-- purpose: the statistical model's scorecard: bins per characteristic with WoE and points
--          (sql/rating/model_bins.sql).
-- parameters: none.
-- grain: one row per model per characteristic per bin.
with final as (
    select mt.* from model_bins as mt
    order by mt.model, mt.characteristic, mt.bin_index
)
select * from final;
