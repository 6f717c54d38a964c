-- tide:no-transactions
select 1;
