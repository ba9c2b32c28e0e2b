-- purpose: the rating histories of some customers up to a date (the watchlist's
--          "since when" for the grade-floor rule).
-- parameters: $ids (varchar list of customer_id), $as_of (date).
-- grain: one row per rating.
with wanted as (
    select unnest($ids::varchar[]) as customer_id
),
final as (
    select r.customer_id, r.rated_on, r.grade
    from ratings as r
    semi join wanted as w on w.customer_id = r.customer_id
    where r.rated_on <= $as_of
)
select * from final;
