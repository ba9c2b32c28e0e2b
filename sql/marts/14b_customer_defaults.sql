-- purpose: the first default of every customer that defaulted, and what made it one (the
--          rating models' target, docs/definitions.md): more than 90 days past due on a
--          material amount at a snapshot (undisputed overdue 90+ of at least
--          $default_material_amt and at least $default_material_pct % of the open items), a
--          material write-off (dated at the month-end of the month that booked it), an
--          insolvency filing, or an imported rating in the default grade. The earliest of them
--          is the default date; the default is absorbing (a later cure does not reopen the
--          history).
-- parameters: $default_material_amt (double, reporting currency), $default_material_pct
--             (double, percent of the open items), $default_grade (varchar: the scale's last).
-- grain: one row per customer that defaulted. key: customer_id.
create table customer_defaults as
with overdue_90 as (
    select cs.customer_id, min(cs.snapshot_date) as default_on
    from customer_snapshot as cs
    where cs.overdue_90_undisputed_amt >= $default_material_amt::double
        and cs.overdue_90_undisputed_amt
        >= $default_material_pct::double / 100 * (cs.open_ar_amt - cs.credit_balance_amt)
    group by cs.customer_id
),
written_off as (
    -- the month-end of the first month that wrote off a material amount (reporting currency)
    select cm.customer_id, min(cm.snapshot_date) as default_on
    from customer_month as cm
    where cm.write_offs_amt >= greatest($default_material_amt::double, 0.005)
    group by cm.customer_id
),
insolvency as (
    select ev.customer_id, min(ev.event_date) as default_on
    from events as ev
    where ev.event_type = 'insolvency_filing'
    group by ev.customer_id
),
rated_default as (
    select rt.customer_id, min(rt.rated_on) as default_on
    from ratings as rt
    where rt.grade = $default_grade::varchar
    group by rt.customer_id
),
triggers as (
    select o.customer_id, o.default_on, 'days_past_due' as trigger, 1 as priority from overdue_90 as o
    union all
    select w.customer_id, w.default_on, 'write_off' as trigger, 2 as priority from written_off as w
    union all
    select i.customer_id, i.default_on, 'insolvency' as trigger, 3 as priority from insolvency as i
    union all
    select r.customer_id, r.default_on, 'default_rating' as trigger, 4 as priority from rated_default as r
),
final as (
    select
        t.customer_id,
        min(t.default_on) as default_on,
        -- the trigger of the earliest; on a tie, in the order listed above
        arg_min(t.trigger, struct_pack(d := t.default_on, p := t.priority)) as default_trigger
    from triggers as t
    group by t.customer_id
    order by t.customer_id
)
select * from final;
