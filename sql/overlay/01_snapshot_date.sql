-- purpose: the one as-of date an on-demand snapshot is built for, shaped like the
--          snapshot_dates mart, so the per-date marts can be run for it alone.
-- parameters: $day (date: the as-of date), $extracted_on (date: the extraction date).
-- grain: one row.
create table snapshot_dates as
with final as (
    select
        $day::date as snapshot_date,
        $day::date = last_day($day::date) as is_month_end,
        (date_trunc('month', $day::date) - interval 1 day)::date as prev_month_end,
        least($day::date, $extracted_on::date) as cutoff_date,
        $day::date = $extracted_on::date as is_extraction_date
)
select * from final;
