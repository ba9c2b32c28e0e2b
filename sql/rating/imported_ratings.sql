-- purpose: keep the ratings as imported (the contract's table), before the rating model's
--          grades join them: `ratings` becomes the grades in force (sql/rating/ratings.sql),
--          this table stays what the source said.
-- parameters: none.
-- grain: rating history as loaded. key: (customer_id, rated_on).
create or replace table imported_ratings as
with final as (
    select rt.* from ratings as rt
)
select * from final;
