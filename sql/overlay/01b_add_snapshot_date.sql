-- purpose: add the on-demand as-of date to the dates an overlay rebuilds (after the decided
--          limits chose theirs, if any), shaped like the snapshot_dates mart, so the per-date
--          marts can be run for it.
-- parameters: $day (date: the as-of date), $extracted_on (date: the extraction date).
-- grain: one row added.
insert into snapshot_dates by name
with final as (
    select
        $day::date as snapshot_date,
        $day::date = last_day($day::date) as is_month_end,
        (date_trunc('month', $day::date) - interval 1 day)::date as prev_month_end,
        least($day::date, $extracted_on::date) as cutoff_date,
        $day::date = $extracted_on::date as is_extraction_date
    where not exists (select 1 from snapshot_dates as s where s.snapshot_date = $day::date)
)
select * from final;
