drop view customer_balances;
