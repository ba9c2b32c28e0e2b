-- purpose: the rating model's grades as ratings (source = 'model'): at each month-end where a
--          customer's grade changes, at every year-end (the annual confirmation, so a steady
--          grade never reads as stale) and the default grade on its default date.
-- parameters: none (the frame is registered as `staged`).
-- grain: one row per customer per rating date. key: (customer_id, rated_on).
create or replace table model_ratings as
with final as (
    select
        staged.customer_id::varchar as customer_id,
        staged.rated_on::date as rated_on,
        staged.grade::varchar as grade,
        staged.score::double as score,
        staged.pd::double as pd,
        staged.source::varchar as source
    from staged
    order by staged.customer_id, staged.rated_on
)
select * from final;
