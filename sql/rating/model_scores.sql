-- purpose: every rating model's score, PD and grade of every customer at every month-end it
--          was not in default, with the characteristics that cost it the most (reasons; the
--          challenger's at the latest two month-ends only), written by analytics.data.rating.
-- parameters: none (the frame is registered as `staged`).
-- grain: one row per model per customer per month-end. key: (model, customer_id, snapshot_date).
create or replace table model_scores as
with final as (
    select
        staged.model::varchar as model,
        staged.customer_id::varchar as customer_id,
        staged.snapshot_date::date as snapshot_date,
        staged.scorecard::varchar as scorecard,
        staged.score::double as score,
        staged.pd_frac::double as pd_frac,
        staged.grade::varchar as grade,
        staged.reason_1::varchar as reason_1,
        staged.reason_2::varchar as reason_2,
        staged.reason_3::varchar as reason_3
    from staged
    order by staged.snapshot_date, staged.model, staged.customer_id
)
select * from final;
