alter table accounts drop column plan;
