-- purpose: create the raw contract table events from the validated staged frame.
-- parameters: none (the loader registers the validated frame as `staged`).
-- grain: adverse events (litigation, management change, insolvency filing, ...). key: (event_id).
create table events as
with final as (
    select
        staged.event_id::varchar as event_id,
        staged.customer_id::varchar as customer_id,
        staged.event_date::date as event_date,
        staged.event_type::varchar as event_type,
        staged.severity::varchar as severity,
        staged.description::varchar as description
    from staged
)
select * from final;
