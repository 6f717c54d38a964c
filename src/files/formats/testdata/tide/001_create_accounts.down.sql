drop table {{tables.accounts}};
