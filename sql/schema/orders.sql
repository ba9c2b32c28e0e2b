-- purpose: create the raw contract table orders from the validated staged frame.
-- parameters: none (the loader registers the validated frame as `staged`).
-- grain: sales orders; open until invoiced or cancelled. key: (order_id).
create table orders as
with final as (
    select
        staged.order_id::varchar as order_id,
        staged.customer_id::varchar as customer_id,
        staged.order_date::date as order_date,
        staged.amount::double as amount,
        staged.currency::varchar as currency,
        staged.status::varchar as status,
        staged.invoiced_on::date as invoiced_on,
        staged.cancelled_on::date as cancelled_on
    from staged
)
select * from final;
