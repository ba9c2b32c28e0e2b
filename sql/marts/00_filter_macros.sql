-- purpose: macros written once: in_filters() tests one row's segment, industry, region,
--          credit manager and group against the sidebar's chosen values (an empty list
--          means no filter); customers_in_scope() lists the customers that pass, for
--          queries on document-level tables; in_period_chain() keeps, of the snapshot
--          dates, the month-ends before an as-of date's month and the as-of date itself:
--          periods that follow each other without overlap (the extraction date and the
--          month-end after it cover the same documents); bucket_index() places a number of
--          days in the buckets of a list of upper bounds (0: up to the first bound; the
--          length of the list: beyond the last), for the aging, roll and what-if buckets.
-- parameters: none (the macros take the filter lists and dates as arguments).
-- grain: customers_in_scope returns one row per customer passing the filters.
create or replace macro in_filters(
    value_segment, value_industry, value_region, value_manager, value_group,
    segments, industries, regions, managers, groups_
) as
    (len(segments) = 0 or list_contains(segments, value_segment))
    and (len(industries) = 0 or list_contains(industries, value_industry))
    and (len(regions) = 0 or list_contains(regions, value_region))
    and (len(managers) = 0 or list_contains(managers, value_manager))
    and (len(groups_) = 0 or list_contains(groups_, value_group));

create or replace macro bucket_index(bounds, days) as
    len(list_filter(bounds::integer[], lambda b: b < days));

create or replace macro in_period_chain(snapshot_day, as_of) as
    snapshot_day = as_of
    or (snapshot_day = last_day(snapshot_day) and snapshot_day < date_trunc('month', as_of::date));

create or replace macro customers_in_scope(segments, industries, regions, managers, groups_) as table
with final as (
    select c.customer_id
    from customers as c
    where in_filters(c.segment, c.industry, c.region, c.credit_manager, coalesce(c.parent_id, c.customer_id),
                     segments, industries, regions, managers, groups_)
)
select * from final;
