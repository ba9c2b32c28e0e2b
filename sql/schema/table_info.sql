-- purpose: which contract tables were loaded, from which file, with how many rows.
-- parameters: none (the loader registers the per-table summary frame as `staged`).
-- grain: one row per contract table (absent optional tables have is_present = false).
create table table_info as
with final as (
    select
        staged.table_name::varchar as table_name,
        staged.source_file::varchar as source_file,
        staged.row_count::bigint as row_count,
        staged.is_present::boolean as is_present
    from staged
)
select * from final;
