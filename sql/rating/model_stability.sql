-- purpose: population stability (PSI) of each model's characteristics and score, development
--          sample against the latest month-end.
-- parameters: none (the frame is registered as `staged`).
-- grain: one row per model per variable.
create or replace table model_stability as
with final as (select staged.* from staged)
select * from final;
