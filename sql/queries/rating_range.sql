-- purpose: the span of the rating histories (the dates a migration matrix can use).
-- parameters: none.
-- grain: one row: first and last rating date and the number of ratings.
with final as (
    select
        min(r.rated_on) as first_rated_on,
        max(r.rated_on) as last_rated_on,
        count(*) as ratings_count
    from ratings as r
)
select * from final;
