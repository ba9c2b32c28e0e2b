-- purpose: the inputs of the duration (continuous-time) migration estimate: time
--          spent in each grade within a window and the grade changes observed in
--          it, from the full rating histories. Time after a rating lapses (older
--          than $nr_after_months) is not counted; nothing after a default counts
--          (default is absorbing).
-- parameters: $window_start, $window_end (dates), $default_grade (varchar),
--             $nr_after_months (integer), $scope (struct: the sidebar scope, see
--             sql/macros/scope.sql).
-- grain: one row per (from_grade, to_grade); to_grade is null for spells that
--        ended without a change (censored at the window end or at a lapse).
with scoped as (
    select sc.customer_id
    from customers_in_scope($scope) as sc
),
history as (
    select
        r.customer_id,
        r.rated_on,
        r.grade,
        lead(r.rated_on) over (partition by r.customer_id order by r.rated_on) as next_rated_on,
        lead(r.grade) over (partition by r.customer_id order by r.rated_on) as next_grade,
        count(*) filter (where r.grade = $default_grade) over (
            partition by r.customer_id order by r.rated_on
            rows between unbounded preceding and 1 preceding
        ) as defaults_before
    from ratings as r
    semi join scoped as s on s.customer_id = r.customer_id
    where r.rated_on <= $window_end::date
),
spells as (
    select
        h.grade as from_grade,
        greatest(h.rated_on, $window_start::date) as spell_start,
        least(
            coalesce(h.next_rated_on, $window_end::date),
            $window_end::date,
            (h.rated_on + to_months($nr_after_months::integer))::date
        ) as spell_end,
        case
            when h.next_rated_on <= $window_end::date
                and h.next_rated_on <= h.rated_on + to_months($nr_after_months::integer)
                and h.next_grade <> h.grade
                then h.next_grade
        end as to_grade
    from history as h
    where h.defaults_before = 0
        and h.grade <> $default_grade
        and coalesce(h.next_rated_on, $window_end::date) > $window_start::date
),
final as (
    select
        sp.from_grade,
        sp.to_grade,
        count(sp.to_grade) as transitions_count,
        sum(greatest(sp.spell_end - sp.spell_start, 0)) / 365.25 as years_at_risk
    from spells as sp
    where sp.spell_end >= sp.spell_start
    group by sp.from_grade, sp.to_grade
)
select * from final;
