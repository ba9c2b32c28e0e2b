-- purpose: roll-rate counts pre-aggregated for the provision matrix's policy
--          buckets: bucket-to-bucket balances month by month by every sidebar
--          filter dimension (to_idx -1 = paid, -2 = written off), so the page sums
--          a few thousand rows. Other buckets are computed from roll_transitions.
-- parameters: $provision_bounds (integer[]: the policy's provision buckets at load).
-- grain: one row per month-end per filter-dimension combination per from bucket
--        per to state.
create table roll_cube as
with final as (
    select
        rt.month_end,
        d.segment,
        d.industry,
        d.region,
        d.credit_manager,
        d.group_key,
        bucket_index($provision_bounds, rt.from_dpd) as from_idx,
        case
            when rt.is_written_off then -2
            when rt.to_dpd is null then -1
            else bucket_index($provision_bounds, rt.to_dpd)
        end as to_idx,
        sum(rt.from_amt) as from_amt,
        sum(rt.to_amt) as to_amt
    from roll_transitions as rt
    join customer_dims as d on d.customer_id = rt.customer_id
    group by all
    order by rt.month_end
)
select * from final;
