-- purpose: the as-of dates the sidebar offers, newest first.
-- parameters: none.
-- grain: one row per snapshot date.
with final as (
    select sd.snapshot_date, sd.is_month_end, sd.prev_month_end
    from snapshot_dates as sd
    order by sd.snapshot_date desc
)
select * from final;
