-- purpose: create the raw contract table ratings from the validated staged frame.
-- parameters: none (the loader registers the validated frame as `staged`).
-- grain: rating history; a customer's grade at t is its latest rating on or before t. key: (customer_id, rated_on).
create table ratings as
with final as (
    select
        staged.customer_id::varchar as customer_id,
        staged.rated_on::date as rated_on,
        staged.grade::varchar as grade,
        staged.score::double as score,
        staged.pd::double as pd,
        staged.source::varchar as source
    from staged
)
select * from final;
