-- purpose: what every per-date mart needs to know of a customer, worked out once: its group
--          (the parent, else itself), the real group it belongs to for the sidebar's group
--          filter (a group with at least one member; null otherwise), whether it is a group
--          parent, and the date of its first document (it enters the snapshots from then, or
--          from its onboarding date).
-- parameters: none.
-- grain: one row per customer. key: (customer_id).
create table customer_dims as
with parents as (
    select distinct c.parent_id as customer_id
    from customers as c
    where c.parent_id is not null
),
first_documents as (
    select d.customer_id, min(d.invoice_date) as first_document_date
    from documents as d
    group by d.customer_id
),
final as (
    select
        c.customer_id,
        coalesce(c.parent_id, c.customer_id) as group_id,
        case when rg.customer_id is not null then coalesce(c.parent_id, c.customer_id) end as group_key,
        p.customer_id is not null as is_group_parent,
        fd.first_document_date,
        c.segment,
        c.industry,
        c.region,
        c.credit_manager
    from customers as c
    left join parents as p on p.customer_id = c.customer_id
    left join parents as rg on rg.customer_id = coalesce(c.parent_id, c.customer_id)
    left join first_documents as fd on fd.customer_id = c.customer_id
)
select * from final;
