-- purpose: the grade, its PD and rating date in customer_snapshot from the ratings in force
--          (sql/rating/ratings.sql), as sql/marts/08_customer_snapshot.sql picks them: the latest
--          rating on or before the snapshot's cutoff date.
-- parameters: none.
-- grain: one row per customer per snapshot date (customer_snapshot's).
create or replace table customer_snapshot as
with final as (
    select
        cs.* replace (rt.grade as grade, rt.pd as rating_pd, rt.rated_on as rated_on)
    from customer_snapshot as cs
    join snapshot_dates as sd on sd.snapshot_date = cs.snapshot_date
    asof left join ratings as rt
        on cs.customer_id = rt.customer_id and sd.cutoff_date >= rt.rated_on
    order by cs.snapshot_date, cs.customer_id
)
select * from final;
