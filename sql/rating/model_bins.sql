-- purpose: the statistical model's bins per characteristic: observations, bads, bad rate, WoE,
--          IV and points (the scorecard).
-- parameters: none (the frame is registered as `staged`).
-- grain: one row per model per characteristic per bin.
create or replace table model_bins as
with final as (select staged.* from staged)
select * from final;
