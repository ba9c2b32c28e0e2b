-- purpose: the terms of each model: the statistical model's coefficients with standard errors,
--          p-values and IV; the challenger's permutation importance and monotonic constraints;
--          the IV and fate of every candidate characteristic.
-- parameters: none (the frame is registered as `staged`).
-- grain: one row per model per term.
create or replace table model_terms as
with final as (select staged.* from staged)
select * from final;
