-- purpose: adverse events in a lookback window, after the sidebar filters (the
--          watchlist's adverse-event rule).
-- parameters: $as_of (date), $event_months (integer), $scope (struct: the sidebar
--             scope, see sql/macros/scope.sql).
-- grain: one row per event in ($as_of - $event_months months, $as_of].
with scoped as (
    select sc.customer_id
    from customers_in_scope($scope) as sc
),
final as (
    select ev.customer_id, ev.event_date, ev.event_type, ev.severity, ev.description
    from events as ev
    semi join scoped as s on s.customer_id = ev.customer_id
    where ev.event_date <= $as_of
        and ev.event_date > $as_of::date - to_months($event_months::integer)
)
select * from final;
