-- purpose: one row per rating model with what its run did: trained or why not, the data
--          window, the target, the sample sizes, the characteristics it uses, how long it took
--          and whether its grades are the ones written as ratings (the model card's facts).
-- parameters: none (the frame is registered as `staged`).
-- grain: one row per model. key: model.
create or replace table model_runs as
with final as (select staged.* from staged)
select * from final;
