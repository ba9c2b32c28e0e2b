-- purpose: rating cohorts for migration matrices and calibration: every customer
--          rated (not in default) at a cohort's start, its grade then and at the
--          cohort's end (a rating older than $nr_after_months at the start does
--          not count as rated). Default is absorbing: a default rating on the way makes
--          the end grade the default grade. NR: the latest rating at the end is
--          older than $nr_after_months (the rating lapsed or was withdrawn).
--          Gross exposure is taken at the latest snapshot on or before the start.
-- parameters: $starts, $ends (date lists of equal length: one cohort per pair),
--             $default_grade (varchar), $nr_after_months (integer), $scope (struct: the
--             sidebar scope, see sql/macros/scope.sql).
-- grain: one row per cohort per customer rated at the cohort's start.
with cohorts as (
    select
        unnest($starts::date[]) as start_date,
        unnest($ends::date[]) as end_date
),
scoped as (
    select sc.customer_id
    from customers_in_scope($scope) as sc
),
members as (
    select co.start_date, co.end_date, s.customer_id
    from cohorts as co
    cross join scoped as s
),
at_start as (
    select m.start_date, m.end_date, m.customer_id, r.grade as from_grade, r.rated_on as from_rated_on,
        r.pd as from_pd
    from members as m
    asof join ratings as r
        on m.customer_id = r.customer_id and m.start_date >= r.rated_on
    where r.grade <> $default_grade
        and r.rated_on >= m.start_date - to_months($nr_after_months::integer)
),
at_end as (
    select a.start_date, a.customer_id, r.grade as end_grade, r.rated_on as end_rated_on
    from at_start as a
    asof join ratings as r
        on a.customer_id = r.customer_id and a.end_date >= r.rated_on
),
defaulted as (
    select a.start_date, a.customer_id, min(r.rated_on) as default_on
    from at_start as a
    join ratings as r
        on r.customer_id = a.customer_id
        and r.grade = $default_grade
        and r.rated_on > a.start_date
        and r.rated_on <= a.end_date
    group by a.start_date, a.customer_id
),
exposure as (
    select a.start_date, a.customer_id, cs.gross_exposure_amt
    from at_start as a
    asof join customer_snapshot as cs
        on a.customer_id = cs.customer_id and a.start_date >= cs.snapshot_date
),
final as (
    select
        a.start_date,
        a.end_date,
        a.customer_id,
        a.from_grade,
        a.from_rated_on,
        a.from_pd,
        case
            when d.default_on is not null then $default_grade
            when e.end_rated_on < a.end_date - to_months($nr_after_months::integer) then 'NR'
            else e.end_grade
        end as to_grade,
        e.end_rated_on as to_rated_on,
        d.default_on,
        coalesce(x.gross_exposure_amt, 0) as exposure_amt
    from at_start as a
    join at_end as e on e.start_date = a.start_date and e.customer_id = a.customer_id
    left join defaulted as d on d.start_date = a.start_date and d.customer_id = a.customer_id
    left join exposure as x on x.start_date = a.start_date and x.customer_id = a.customer_id
)
select * from final;
