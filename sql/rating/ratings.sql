-- purpose: the grades in force: with $ruling = 'imported' a customer with imported ratings
--          keeps them and the model grades the others; with 'model' the model grades everyone
--          (the imported ones stay in imported_ratings, shown beside).
-- parameters: $ruling (varchar: imported | model).
-- grain: rating history. key: (customer_id, rated_on).
create or replace table ratings as
with imported_customers as (
    select distinct ir.customer_id from imported_ratings as ir
),
in_force as (
    select ir.* from imported_ratings as ir
    where $ruling::varchar = 'imported'
    union all
    select mr.* from model_ratings as mr
    where $ruling::varchar = 'model'
        or mr.customer_id not in (select ic.customer_id from imported_customers as ic)
),
final as (
    select f.* from in_force as f order by f.customer_id, f.rated_on
)
select * from final;
