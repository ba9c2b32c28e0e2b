-- purpose: each model's out-of-time calibration: observed against assigned default rate per
--          grade, the Jeffreys interval and the tests.
-- parameters: none (the frame is registered as `staged`).
-- grain: one row per model per grade.
create or replace table model_calibration as
with final as (select staged.* from staged)
select * from final;
