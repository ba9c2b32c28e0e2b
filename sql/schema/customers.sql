-- purpose: create the raw contract table customers from the validated staged frame.
-- parameters: none (the loader registers the validated frame as `staged`).
-- grain: one row per customer (legal entity we sell to on credit). key: (customer_id).
create table customers as
with final as (
    select
        staged.customer_id::varchar as customer_id,
        staged.name::varchar as name,
        staged.parent_id::varchar as parent_id,
        staged.industry::varchar as industry,
        staged.region::varchar as region,
        staged.country::varchar as country,
        staged.segment::varchar as segment,
        staged.registered_capital::double as registered_capital,
        staged.legal_representative::varchar as legal_representative,
        staged.business_scope::varchar as business_scope,
        staged.established_on::date as established_on,
        staged.onboarded_on::date as onboarded_on,
        staged.credit_manager::varchar as credit_manager,
        staged.payment_terms_days::bigint as payment_terms_days
    from staged
)
select * from final;
