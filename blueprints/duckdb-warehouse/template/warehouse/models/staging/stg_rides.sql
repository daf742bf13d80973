-- Task staging-models: select from the rides source, with its columns renamed,
-- typed and tidied (TASKS.md says how). Until then, an empty placeholder.
select 1 as placeholder
where false
