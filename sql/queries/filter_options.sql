-- purpose: the values each sidebar filter offers (segment, industry, region,
--          credit manager, group), with a display label.
-- parameters: none.
-- grain: one row per filter dimension per value.
with groups as (
    select distinct coalesce(c.parent_id, c.customer_id) as group_id
    from customers as c
    where c.parent_id is not null
),
options as (
    select distinct 'segment' as dimension, c.segment as value, c.segment as label from customers as c
    union all
    select distinct 'industry', c.industry, c.industry from customers as c
    union all
    select distinct 'region', c.region, c.region from customers as c
    union all
    select distinct 'credit_manager', c.credit_manager, c.credit_manager from customers as c
    union all
    select g.group_id, g.group_id, p.name || ' (' || g.group_id || ')'
    from groups as g
    join customers as p on p.customer_id = g.group_id
),
final as (
    select
        case when o.dimension in ('segment', 'industry', 'region', 'credit_manager') then o.dimension
             else 'group' end as dimension,
        o.value,
        o.label
    from options as o
    where o.value is not null
    order by dimension, o.label
)
select * from final;
