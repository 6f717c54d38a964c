alter table accounts configure zone using num_replicas = 5;
