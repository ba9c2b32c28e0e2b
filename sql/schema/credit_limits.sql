-- purpose: create the raw contract table credit_limits from the validated staged frame.
-- parameters: none (the loader registers the validated frame as `staged`).
-- grain: credit limit history; the latest row on or before a date is in force. key: (customer_id, effective_from).
create table credit_limits as
with final as (
    select
        staged.customer_id::varchar as customer_id,
        staged.effective_from::date as effective_from,
        staged.limit_amt::double as limit_amt,
        staged.currency::varchar as currency,
        staged.expires_on::date as expires_on,
        staged.approved_by::varchar as approved_by,
        staged.approval_level::varchar as approval_level,
        staged.payment_terms_days::bigint as payment_terms_days,
        staged.limit_scope::varchar as limit_scope
    from staged
)
select * from final;
