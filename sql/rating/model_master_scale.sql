-- purpose: each rating model's master scale: per grade the observations and defaults of its
--          development and out-of-time samples, the policy PD and the PD calibrated to them
--          (analytics.risk.validation.calibrated_master_scale); the ratings carry the
--          calibrated one when [scoring.rating] pd_source = "observed".
-- parameters: none (the frame is registered as `staged`).
-- grain: one row per model per grade (the default grade left out).
create or replace table model_master_scale as
with final as (select staged.* from staged)
select * from final;
