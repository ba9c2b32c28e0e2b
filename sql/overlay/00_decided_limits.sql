-- purpose: the limit history with the decided limits of the decisions store on top: the
--          loaded credit_limits, less any row a decision replaces (same customer and
--          effective date), plus the decided limits (the caller registers them as
--          `decided_staged`: the credit_limits contract's columns and limit_id, the order they
--          were recorded in; of two for one customer and date the later rules). The per-date
--          marts then read this view instead of the warehouse's table.
-- parameters: none.
-- grain: credit limit history; one row per (customer_id, effective_from).
create view memory.main.credit_limits as
with decided as (
    select
        d.customer_id::varchar as customer_id,
        d.effective_from::date as effective_from,
        d.limit_amt::double as limit_amt,
        d.currency::varchar as currency,
        d.expires_on::date as expires_on,
        d.approved_by::varchar as approved_by,
        d.approval_level::varchar as approval_level,
        d.payment_terms_days::bigint as payment_terms_days,
        d.limit_scope::varchar as limit_scope
    from memory.main.decided_staged as d
    qualify row_number() over (partition by d.customer_id, d.effective_from order by d.limit_id desc) = 1
),
loaded as (
    select l.*
    from wh.main.credit_limits as l
    anti join decided as d on d.customer_id = l.customer_id and d.effective_from = l.effective_from
),
final as (
    select * from loaded
    union all by name
    select * from decided
)
select * from final;
