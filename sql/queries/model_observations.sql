-- purpose: the rating models' observation points: every customer at every month-end up to the
--          extraction date that is not already in default, with its characteristics as of that
--          month-end (with its industry, region and the imported grade in force then:
--          external_grade) (sql/marts/14_customer_characteristics.sql) and its outcome: a default
--          within $horizon_months after it (sql/marts/14b_customer_defaults.sql), and whether
--          the data has seen the whole horizon (is_observed: it ends on or before the extraction
--          date). Training uses observed points only (a later point would count its defaults
--          and not yet its survivors); the latest month-ends are scored, never trained on.
-- parameters: $horizon_months (integer), $extracted_on (date: the day the data was taken).
-- grain: one row per customer per month-end on or before $extracted_on, before its default.
with final as (
    select
        ch.*,
        cd.segment,
        cd.industry,
        cd.region,
        ir.grade as external_grade,
        d.default_on,
        coalesce(d.default_on <= last_day(ch.snapshot_date + to_months($horizon_months::integer)), false)
            as is_default_within_horizon,
        last_day(ch.snapshot_date + to_months($horizon_months::integer)) <= $extracted_on::date as is_observed
    from customer_characteristics as ch
    join customer_dims as cd on cd.customer_id = ch.customer_id
    left join customer_defaults as d on d.customer_id = ch.customer_id
    asof left join imported_ratings as ir on ir.customer_id = ch.customer_id and ch.snapshot_date >= ir.rated_on
    where ch.snapshot_date <= $extracted_on::date
        and (d.default_on is null or d.default_on > ch.snapshot_date)
    order by ch.snapshot_date, ch.customer_id
)
select * from final;
