-- purpose: one customer's adverse events up to the as-of date, newest first.
-- parameters: $customer_id (varchar), $as_of (date).
-- grain: one row per event.
with final as (
    select ev.event_date, ev.event_type, ev.severity, ev.description, ev.event_id
    from events as ev
    where ev.customer_id = $customer_id and ev.event_date <= $as_of
    order by ev.event_date desc
)
select * from final;
