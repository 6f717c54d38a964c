insert into t values ('café');
