-- purpose: what each rating model's last run did (trained or why not, windows, sample sizes,
--          target, characteristics, time) (sql/rating/model_runs.sql).
-- parameters: none.
-- grain: one row per model.
with final as (
    select mt.* from model_runs as mt
    order by mt.model
)
select * from final;
