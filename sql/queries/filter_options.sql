-- purpose: the values each sidebar filter offers (segment, industry, region,
--          credit manager, group: the real groups of customer_dims), with a display label.
-- parameters: none.
-- grain: one row per filter dimension per value.
with groups as (
    select distinct cd.group_key as group_id
    from customer_dims as cd
    where cd.group_key is not null
),
options as (
    select distinct 'segment' as dimension, c.segment as value, c.segment as label from customers as c
    union all
    select distinct 'industry' as dimension, c.industry as value, c.industry as label from customers as c
    union all
    select distinct 'region' as dimension, c.region as value, c.region as label from customers as c
    union all
    select distinct 'credit_manager' as dimension, c.credit_manager as value, c.credit_manager as label
    from customers as c
    union all
    select 'group' as dimension, g.group_id as value, p.name || ' (' || g.group_id || ')' as label
    from groups as g
    join customers as p on p.customer_id = g.group_id
),
final as (
    select
        o.dimension,
        o.value,
        o.label
    from options as o
    where o.value is not null
    order by dimension, o.label
)
select * from final;
