drop index orders_account_id_idx;
