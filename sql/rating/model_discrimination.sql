-- purpose: AUROC, Gini and KS of each model on the development and out-of-time samples.
-- parameters: none (the frame is registered as `staged`).
-- grain: one row per model per sample.
create or replace table model_discrimination as
with final as (select staged.* from staged)
select * from final;
