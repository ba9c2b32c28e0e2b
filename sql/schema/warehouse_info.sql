-- purpose: facts about this warehouse build (reporting currency, policy file, load time, data range).
-- parameters: none (the loader registers a two-column key/value frame as `staged`).
-- grain: one row per fact key.
create table warehouse_info as
with final as (
    select
        staged.key::varchar as key,
        staged.value::varchar as value
    from staged
)
select * from final;
