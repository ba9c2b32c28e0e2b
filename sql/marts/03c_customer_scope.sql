-- purpose: customers_in_scope(), the customers in the sidebar's scope (see
--          sql/macros/scope.sql), for queries on document-level tables. A customer's group is
--          the one customer_dims gives it (its parent, else itself), the same group every mart
--          carries. A table macro is bound when it is created, so it is built here, after
--          customer_dims, rather than with the scalar macros.
-- parameters: none (the macro takes the scope struct as an argument; queries bind it as
--             $scope).
-- grain: one row per customer in scope. key: (customer_id).
create or replace macro customers_in_scope(scope) as table
with final as (
    select cd.customer_id
    from customer_dims as cd
    where in_scope(scope, cd.segment, cd.industry, cd.region, cd.credit_manager, cd.group_id)
)
select * from final;
