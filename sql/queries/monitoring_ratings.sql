-- purpose: the rating histories up to a date, after the sidebar filters (the
--          watchlist's "since when" for the grade-floor rule).
-- parameters: $as_of (date), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per rating.
with scoped as (
    select sc.customer_id
    from customers_in_scope($scope) as sc
),
final as (
    select r.customer_id, r.rated_on, r.grade
    from ratings as r
    semi join scoped as s on s.customer_id = r.customer_id
    where r.rated_on <= $as_of
)
select * from final;
