-- purpose: create the raw contract table fx_rates from the validated staged frame.
-- parameters: none (the loader registers the validated frame as `staged`).
-- grain: exchange rates to the reporting currency (latest on or before a date applies). key: (currency, rate_date).
create table fx_rates as
with final as (
    select
        staged.currency::varchar as currency,
        staged.rate_date::date as rate_date,
        staged.rate_to_reporting::double as rate_to_reporting
    from staged
)
select * from final;
