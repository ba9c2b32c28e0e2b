-- purpose: the warehouse's snapshot dates on or after the earliest decided limit's
--          effective date: the dates whose per-date marts a decided limit changes and so
--          are built again over the decided limit history (sql/overlay/00_decided_limits.sql).
-- parameters: $first_effective (date: the earliest effective date of a decided limit).
-- grain: one row per snapshot date rebuilt.
create table snapshot_dates as
with final as (
    select s.*
    from wh.main.snapshot_dates as s
    where s.snapshot_date >= $first_effective::date
)
select * from final;
