-- Files starting with "_" are not migrations: this one is skipped.
select 'not a migration';
