-- purpose: bucket_index() places a number of days in the buckets of a list of upper bounds
--          (0: up to the first bound; the length of the list: beyond the last), for the
--          aging, roll and what-if buckets.
-- parameters: none (the macro takes the bounds and the days as arguments).
-- grain: a scalar macro.
create or replace macro bucket_index(bounds, days) as
    len(list_filter(bounds::integer[], lambda b: b < days));
