-- purpose: the table macros of the sidebar's scope (the scalar in_scope() is in
--          sql/macros/scope.sql): customers_in_scope(scope), the customers in scope, for
--          queries on document-level tables; customer_snapshot_in_scope(as_of, scope), the
--          customer snapshot at one date for the customers in scope, which most customer-level
--          queries start from. A customer's group is the one customer_dims gives it (its parent,
--          else itself), the group every mart carries. A table macro must find its tables when it
--          is created, so these are built after the marts; a query binds their tables when it
--          runs, so on an on-demand date (sql/overlay/) they read that date's snapshot.
-- parameters: none (the macros take the as-of date and the scope struct as arguments: the
--             as_of and scope parameters of the queries).
-- grain: customers_in_scope: one row per customer in scope; customer_snapshot_in_scope: one row
--        per customer in scope in the snapshot at the date. key: (customer_id).
create or replace macro customers_in_scope(scope) as table
select cd.customer_id
from customer_dims as cd
where in_scope(scope, cd.segment, cd.industry, cd.region, cd.credit_manager, cd.group_id);

create or replace macro customer_snapshot_in_scope(as_of, scope) as table
with final as (
    select cs.*
    from customer_snapshot as cs
    where cs.snapshot_date = as_of
        and in_scope(scope, cs.segment, cs.industry, cs.region, cs.credit_manager, cs.group_id)
)
select * from final;
