-- A Flyway callback, not a migration.
select 1;
