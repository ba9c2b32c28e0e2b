-- purpose: the ROC and CAP curves of each model on each sample (about a hundred points each).
-- parameters: none (the frame is registered as `staged`).
-- grain: one row per model per sample per curve per point.
create or replace table model_curves as
with final as (select staged.* from staged)
select * from final;
