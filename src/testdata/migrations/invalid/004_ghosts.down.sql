drop table ghosts;
