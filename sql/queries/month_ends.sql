-- purpose: the month-ends that have a following month-end (the months a roll-rate
--          window can span), newest first.
-- parameters: none.
-- grain: one row per month-end.
with final as (
    select distinct rt.month_end
    from roll_transitions as rt
    order by rt.month_end desc
)
select * from final;
