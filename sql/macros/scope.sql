-- purpose: the sidebar's scope, one definition: in_scope() tests one row's segment,
--          industry, region, credit manager and group against the scope (a struct of five
--          varchar lists: segments, industries, regions, managers, groups; an empty list
--          means no filter on that dimension). The list of customers in scope,
--          customers_in_scope(), reads customer_dims and is built with the marts
--          (sql/marts/15_scope_macros.sql).
-- parameters: none (the macros take the scope struct as an argument: the scope parameter
--             of the queries).
-- grain: a scalar macro.
create or replace macro in_scope(scope, value_segment, value_industry, value_region, value_manager, value_group) as
    (len(scope.segments) = 0 or list_contains(scope.segments::varchar[], value_segment))
    and (len(scope.industries) = 0 or list_contains(scope.industries::varchar[], value_industry))
    and (len(scope.regions) = 0 or list_contains(scope.regions::varchar[], value_region))
    and (len(scope.managers) = 0 or list_contains(scope.managers::varchar[], value_manager))
    and (len(scope.groups) = 0 or list_contains(scope.groups::varchar[], value_group));
