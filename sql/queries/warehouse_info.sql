-- purpose: facts about the warehouse build (reporting currency, load time, policy file).
-- parameters: none.
-- grain: one row per fact key.
with final as (
    select wi.key, wi.value from warehouse_info as wi
)
select * from final;
