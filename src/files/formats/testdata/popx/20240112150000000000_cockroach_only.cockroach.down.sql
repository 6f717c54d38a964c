alter table accounts configure zone discard;
