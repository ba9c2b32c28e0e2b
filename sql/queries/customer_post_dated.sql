-- purpose: one customer's documents dated after the extraction date (post-dated cheques,
--          invoices keyed ahead): shown apart, they count at no as-of date.
-- parameters: $customer_id (varchar), $extracted_on (date).
-- grain: one row per invoice or payment dated after the extraction date.
with final as (
    select 'payment' as document, pay.payment_id as document_id, pay.payment_date as dated_on, pay.invoice_id,
        pay.method, pay.currency, pay.amount as amount_doc_ccy
    from payments as pay
    where pay.customer_id = $customer_id and pay.payment_date > $extracted_on
    union all
    select
        inv.doc_type as document, inv.invoice_id as document_id, inv.invoice_date as dated_on,
        inv.applies_to as invoice_id, null as method, inv.currency, inv.amount as amount_doc_ccy
    from invoices as inv
    where inv.customer_id = $customer_id and inv.invoice_date > $extracted_on
    order by dated_on
)
select * from final;
