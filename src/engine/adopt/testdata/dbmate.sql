-- dbmate: one row per applied migration, the digits of its file name.
create table if not exists schema_migrations (version varchar primary key);
insert into schema_migrations (version) values ('20240110090000'), ('20240111143000');
