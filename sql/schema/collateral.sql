-- purpose: create the raw contract table collateral from the validated staged frame.
-- parameters: none (the loader registers the validated frame as `staged`).
-- grain: guarantees, credit insurance and letters of credit. key: (collateral_id).
create table collateral as
with final as (
    select
        staged.collateral_id::varchar as collateral_id,
        staged.customer_id::varchar as customer_id,
        staged.collateral_type::varchar as collateral_type,
        staged.amount::double as amount,
        staged.currency::varchar as currency,
        staged.valid_from::date as valid_from,
        staged.valid_to::date as valid_to,
        staged.provider::varchar as provider
    from staged
)
select * from final;
